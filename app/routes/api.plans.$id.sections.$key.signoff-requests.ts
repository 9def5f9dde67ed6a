import type { ActionFunctionArgs } from "@remix-run/node";
import { requireApiUser } from "~/utils/auth.server";
import { askForSignoffSchema } from "~/shared/signoff-input";
import { jsonError, methodNotAllowed, readOptionalJson, refusalsAsJson } from "~/utils/http.server";
import { requirePlanMember } from "~/utils/plan-access.server";

/**
 * Asks the signatories of the sides still to sign the section (owners and editors), with an
 * optional `{message, dueDate}`: 201 `{notified}`.
 */
export async function action({ request, params, context }: ActionFunctionArgs) {
  if (request.method !== "POST") return jsonError(405, "use POST to ask for sign-off");
  const user = await requireApiUser(context, request);
  const { plan, role } = await requirePlanMember(context, user, params.id, "api");
  const key = params.key ?? "";
  // Read first: a request refused for its body does not count against the limit.
  const ask = (await readOptionalJson(request, askForSignoffSchema)) ?? {};
  const wait = await context.signoffRequestLimit.take(JSON.stringify([user.id, plan.id, key]));
  if (wait > 0) {
    return jsonError(429, `you asked for sign-off of this section too often lately; try again in ${wait} s`, {
      "Retry-After": String(wait),
    });
  }
  const result = await refusalsAsJson(() => context.signoffWorkflow.request(plan, user, role, key, ask));
  return Response.json(result, { status: 201 });
}

export const loader = methodNotAllowed("use POST to ask for sign-off");
