import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { addMemberSchema } from "~/shared/member-input";
import { canManageMembers } from "~/shared/permissions";
import { requireApiUser } from "~/utils/auth.server";
import { jsonError, readJson, refusalsAsJson, requireAllowed } from "~/utils/http.server";
import { requirePlanMember } from "~/utils/plan-access.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireApiUser(context, request);
  const { plan } = await requirePlanMember(context, user, params.id, "api");
  return Response.json(await context.members.list(plan.id));
}

/** Someone with an account is added (201); an email nobody has is invited (202). */
export async function action({ request, params, context }: ActionFunctionArgs) {
  if (request.method !== "POST") return jsonError(405, "use POST to add a member");
  const user = await requireApiUser(context, request);
  const { plan, role } = await requirePlanMember(context, user, params.id, "api");
  requireAllowed(canManageMembers(role), "only the plan's owners manage its members");
  const input = await readJson(request, addMemberSchema);
  const result = await refusalsAsJson(() => context.invitations.addOrInvite(user, plan.id, input));
  return result.kind === "added"
    ? Response.json(result.member, { status: 201 })
    : Response.json({ invited: true }, { status: 202 });
}
