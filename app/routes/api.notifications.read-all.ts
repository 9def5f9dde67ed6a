import type { ActionFunctionArgs } from "@remix-run/node";
import { requireApiUser } from "~/utils/auth.server";
import { jsonError, methodNotAllowed } from "~/utils/http.server";

/** Marks every one of your notifications read. */
export async function action({ request, context }: ActionFunctionArgs) {
  if (request.method !== "POST") return jsonError(405, "use POST to mark every notification read");
  const user = await requireApiUser(context, request);
  await context.notifications.markAllRead(user.id);
  return new Response(null, { status: 204 });
}

export const loader = methodNotAllowed("use POST to mark every notification read");
