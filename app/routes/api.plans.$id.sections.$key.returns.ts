import type { ActionFunctionArgs } from "@remix-run/node";
import { returnSectionSchema } from "~/shared/signoff-input";
import { requireApiUser } from "~/utils/auth.server";
import { jsonError, methodNotAllowed, readJson, refusalsAsJson } from "~/utils/http.server";
import { requirePlanMember } from "~/utils/plan-access.server";

/** A signatory of a side the section needs sends it back with a reason: 201 `{by, reason, at}`. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  if (request.method !== "POST") return jsonError(405, "use POST to return a section");
  const user = await requireApiUser(context, request);
  const { plan, role, signsOff } = await requirePlanMember(context, user, params.id, "api");
  const { reason } = await readJson(request, returnSectionSchema);
  const returned = await refusalsAsJson(() =>
    context.signoffWorkflow.returnSection(plan, user, { role, signsOff }, params.key ?? "", reason),
  );
  return Response.json(returned, { status: 201 });
}

export const loader = methodNotAllowed("use POST to return a section");
