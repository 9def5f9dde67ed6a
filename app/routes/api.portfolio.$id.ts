import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireApiUser } from "~/utils/auth.server";
import { jsonError, methodNotAllowed } from "~/utils/http.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireApiUser(context, request);
  const sections = await context.portfolio.sections(user, params.id ?? "");
  if (!sections) throw jsonError(404, "plan not found");
  return Response.json(sections);
}

export const action = methodNotAllowed("use GET to read a plan's sign-off by section");
