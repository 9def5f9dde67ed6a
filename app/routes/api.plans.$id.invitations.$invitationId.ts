import type { ActionFunctionArgs } from "@remix-run/node";
import { canManageMembers } from "~/shared/permissions";
import { requireApiUser } from "~/utils/auth.server";
import { jsonError, methodNotAllowed, refusalsAsJson, requireAllowed } from "~/utils/http.server";
import { requirePlanMember } from "~/utils/plan-access.server";

/** DELETE withdraws a pending invitation (owners): its link stops working. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  if (request.method !== "DELETE") return jsonError(405, "use DELETE to withdraw an invitation");
  const user = await requireApiUser(context, request);
  const { plan, role } = await requirePlanMember(context, user, params.id, "api");
  requireAllowed(canManageMembers(role), "only the plan's owners manage its invitations");
  await refusalsAsJson(() => context.invitations.withdraw(user, plan.id, params.invitationId ?? ""));
  return new Response(null, { status: 204 });
}

export const loader = methodNotAllowed("use DELETE to withdraw an invitation");
