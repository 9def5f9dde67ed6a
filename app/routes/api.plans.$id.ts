import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireApiUser } from "~/utils/auth.server";
import { requirePlanMember } from "~/utils/plan-access.server";
import { methodNotAllowed } from "~/utils/http.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireApiUser(context, request);
  const { plan } = requirePlanMember(context, user, params.id, "api");
  return Response.json(context.plans.view(plan));
}

export const action = methodNotAllowed("use GET to read the plan");
