import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireApiUser } from "~/utils/auth.server";
import { methodNotAllowed } from "~/utils/http.server";

/** Your notifications, newest first (the latest 100). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireApiUser(context, request);
  return Response.json(await context.notifications.list(user.id));
}

export const action = methodNotAllowed("use GET to read your notifications");
