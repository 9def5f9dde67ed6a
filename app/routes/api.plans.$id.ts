import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { planChangeSchema } from "~/shared/plan-input";
import { requireApiUser } from "~/utils/auth.server";
import { requirePlanManager, requirePlanMember } from "~/utils/plan-access.server";
import { jsonError, readJson, refusalsAsJson } from "~/utils/http.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireApiUser(context, request);
  const { plan } = await requirePlanMember(context, user, params.id, "api");
  return Response.json(await context.plans.view(plan));
}

/** PATCH renames or (un)archives the plan, DELETE deletes it: owners only. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  if (request.method !== "PATCH" && request.method !== "DELETE") {
    return jsonError(405, "use GET to read the plan, PATCH to change it or DELETE to delete it");
  }
  const user = await requireApiUser(context, request);
  const plan = await refusalsAsJson(() => requirePlanManager(context, user, params.id));
  if (request.method === "DELETE") {
    await context.planList.remove(plan, user.id);
    return new Response(null, { status: 204 });
  }
  const change = await readJson(request, planChangeSchema);
  await context.planList.change(plan, user.id, change);
  return new Response(null, { status: 204 });
}
