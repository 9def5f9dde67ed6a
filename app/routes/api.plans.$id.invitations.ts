import type { LoaderFunctionArgs } from "@remix-run/node";
import { canManageMembers } from "~/shared/permissions";
import { requireApiUser } from "~/utils/auth.server";
import { methodNotAllowed, requireAllowed } from "~/utils/http.server";
import { requirePlanMember } from "~/utils/plan-access.server";

/** The plan's pending invitations (owners). */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireApiUser(context, request);
  const { plan, role } = await requirePlanMember(context, user, params.id, "api");
  requireAllowed(canManageMembers(role), "only the plan's owners see its invitations");
  return Response.json(await context.invitations.pendingForPlan(plan.id));
}

export const action = methodNotAllowed("invite people with POST /api/plans/:id/members");
