import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireApiUser } from "~/utils/auth.server";
import { methodNotAllowed } from "~/utils/http.server";

/** How busy the PDF export workers are, and where the signed-in person's exports are in line. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireApiUser(context, request);
  return Response.json(context.exports.queueStatus(user));
}

export const action = methodNotAllowed("use GET to see the export queue");
