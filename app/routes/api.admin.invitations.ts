import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { adminInviteSchema } from "~/shared/admin-input";
import { requireAdmin } from "~/utils/auth.server";
import { jsonError, readJson, refusalsAsJson } from "~/utils/http.server";

/** Pending invitations to Coplan itself (not to a plan). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireAdmin(context, request, "api");
  return Response.json(await context.admin.pendingInvitations());
}

/** Invites someone to Coplan: 202, or 409 if the email already has an account. */
export async function action({ request, context }: ActionFunctionArgs) {
  if (request.method !== "POST") return jsonError(405, "use POST to invite someone");
  const admin = await requireAdmin(context, request, "api");
  const input = await readJson(request, adminInviteSchema);
  await refusalsAsJson(() => context.admin.invite(admin, input));
  return Response.json({ invited: true }, { status: 202 });
}
