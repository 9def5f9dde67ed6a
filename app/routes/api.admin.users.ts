import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireAdmin } from "~/utils/auth.server";
import { methodNotAllowed } from "~/utils/http.server";

/** Every user, with whether they are an administrator and when they were deactivated (administrators). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireAdmin(context, request, "api");
  return Response.json(await context.admin.listUsers());
}

export const action = methodNotAllowed("use GET to list users");
