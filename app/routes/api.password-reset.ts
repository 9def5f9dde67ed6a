import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { jsonError, methodNotAllowed, readJson } from "~/utils/http.server";

const resetRequestSchema = z.object({ email: z.string().trim().min(1, "email is required").max(320) });

/** 202 whatever the email: the answer never says whether someone has an account. */
export async function action({ request, context }: ActionFunctionArgs) {
  if (request.method !== "POST") return jsonError(405, "use POST to ask for a password reset");
  const { email } = await readJson(request, resetRequestSchema);
  context.passwordResets.request(email);
  return Response.json({ requested: true }, { status: 202 });
}

export const loader = methodNotAllowed("use POST to ask for a password reset");
