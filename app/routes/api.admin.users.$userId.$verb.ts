import type { ActionFunctionArgs } from "@remix-run/node";
import { requireAdmin } from "~/utils/auth.server";
import { jsonError, methodNotAllowed, refusalsAsJson } from "~/utils/http.server";

/** POST .../deactivate ends the user's sessions and closes their sockets at once; .../reactivate undoes it. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  if (request.method !== "POST") return jsonError(405, "use POST");
  const admin = await requireAdmin(context, request, "api");
  const userId = params.userId ?? "";
  if (params.verb === "deactivate") await refusalsAsJson(() => context.admin.deactivate(admin, userId));
  else if (params.verb === "reactivate") await refusalsAsJson(() => context.admin.reactivate(admin, userId));
  else return jsonError(404, "use deactivate or reactivate");
  return new Response(null, { status: 204 });
}

export const loader = methodNotAllowed("use POST .../deactivate or .../reactivate");
