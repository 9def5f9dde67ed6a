import type { ActionFunctionArgs } from "@remix-run/node";
import { requireApiUser } from "~/utils/auth.server";
import { jsonError, methodNotAllowed } from "~/utils/http.server";

/** Marks one of your notifications read: 204, or 404 if you have none with that id. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  if (request.method !== "POST") return jsonError(405, "use POST to mark a notification read");
  const user = await requireApiUser(context, request);
  const id = Number(params.id);
  if (!Number.isSafeInteger(id) || !(await context.notifications.markRead(user.id, id))) {
    return jsonError(404, "notification not found");
  }
  return new Response(null, { status: 204 });
}

export const loader = methodNotAllowed("use POST to mark a notification read");
