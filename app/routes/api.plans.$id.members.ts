import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { addMemberSchema } from "~/shared/member-input";
import { canManageMembers } from "~/shared/permissions";
import { requireApiUser } from "~/utils/auth.server";
import { jsonError, readJson, refusalsAsJson, requireAllowed } from "~/utils/http.server";
import { requirePlanMember } from "~/utils/plan-access.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireApiUser(context, request);
  const { plan } = requirePlanMember(context, user, params.id, "api");
  return Response.json(context.members.list(plan.id));
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  if (request.method !== "POST") return jsonError(405, "use POST to add a member");
  const user = await requireApiUser(context, request);
  const { plan, role } = requirePlanMember(context, user, params.id, "api");
  requireAllowed(canManageMembers(role), "only the plan's owners manage its members");
  const input = await readJson(request, addMemberSchema);
  const member = await refusalsAsJson(() => context.members.add(user.id, plan.id, input));
  return Response.json(member, { status: 201 });
}
