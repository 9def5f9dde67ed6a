import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { requireApiUser } from "~/utils/auth.server";
import { jsonError, readJson, refusalsAsJson, requireWithinCreateLimit } from "~/utils/http.server";
import { newPlanSchema } from "~/shared/plan-input";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireApiUser(context, request);
  return Response.json(await context.access.listForUser(user.id));
}

export async function action({ request, context }: ActionFunctionArgs) {
  if (request.method !== "POST") return jsonError(405, "use POST to create a plan");
  const user = await requireApiUser(context, request);
  await requireWithinCreateLimit(context, "plan", user.id);
  const input = await readJson(request, newPlanSchema);
  const plan = await refusalsAsJson(() => context.plans.create(user.id, input));
  return Response.json({ id: plan.id }, { status: 201 });
}
