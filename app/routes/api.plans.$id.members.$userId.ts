import type { ActionFunctionArgs } from "@remix-run/node";
import { changeMemberSchema } from "~/shared/member-input";
import { canManageMembers } from "~/shared/permissions";
import { requireApiUser } from "~/utils/auth.server";
import { jsonError, readJson, refusalsAsJson, requireAllowed } from "~/utils/http.server";
import { requirePlanMember } from "~/utils/plan-access.server";

/**
 * PATCH `{role?, signsOff?}` changes a member's role, or makes an owner also a signatory for
 * their side; DELETE removes them from the plan.
 */
export async function action({ request, params, context }: ActionFunctionArgs) {
  if (request.method !== "PATCH" && request.method !== "DELETE") {
    return jsonError(405, "use PATCH to change a role or DELETE to remove a member");
  }
  const user = await requireApiUser(context, request);
  const { plan, role } = await requirePlanMember(context, user, params.id, "api");
  requireAllowed(canManageMembers(role), "only the plan's owners manage its members");
  const memberId = params.userId ?? "";
  if (request.method === "DELETE") {
    await refusalsAsJson(() => context.members.remove(user.id, plan.id, memberId));
    return new Response(null, { status: 204 });
  }
  const input = await readJson(request, changeMemberSchema);
  await refusalsAsJson(() => context.members.change(user.id, plan.id, memberId, input));
  return new Response(null, { status: 204 });
}

export function loader() {
  return jsonError(405, "use PATCH to change a role or DELETE to remove a member");
}
