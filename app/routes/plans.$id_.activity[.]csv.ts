import type { LoaderFunctionArgs } from "@remix-run/node";
import { canReadAudit } from "~/shared/permissions";
import { requireUser } from "~/utils/auth.server";
import { requirePlanMember } from "~/utils/plan-access.server";

/** The plan's audit log as CSV, with the activity page's filters (owners). */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(context, request);
  const { plan, role } = await requirePlanMember(context, user, params.id, "page");
  if (!canReadAudit(role)) throw new Response("Only the plan's owners see its activity", { status: 403 });
  const query = new URL(request.url).searchParams;
  const csv = await context.audit.csv(plan.id, {
    userId: query.get("person") || undefined,
    type: query.get("type") || undefined,
  });
  return new Response(csv, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="activity-${plan.id}.csv"`,
      "cache-control": "no-store",
    },
  });
}
