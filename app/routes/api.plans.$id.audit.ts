import type { LoaderFunctionArgs } from "@remix-run/node";
import { canReadAudit } from "~/shared/permissions";
import { requireApiUser } from "~/utils/auth.server";
import { requireAllowed, methodNotAllowed } from "~/utils/http.server";
import { requirePlanMember } from "~/utils/plan-access.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireApiUser(context, request);
  const { plan, role } = await requirePlanMember(context, user, params.id, "api");
  requireAllowed(canReadAudit(role), "only the plan's owners read its audit log");
  return Response.json(await context.audit.forPlan(plan.id));
}

export const action = methodNotAllowed("use GET to read the plan's audit log");
