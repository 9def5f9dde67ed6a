import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { newSuggestionSchema } from "~/shared/suggestion-input";
import { requireApiUser } from "~/utils/auth.server";
import { jsonError, readJson, refusalsAsJson, requireWithinCreateLimit } from "~/utils/http.server";
import { requirePlanMember } from "~/utils/plan-access.server";

/** Every suggestion of the plan, newest first. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireApiUser(context, request);
  const { plan } = await requirePlanMember(context, user, params.id, "api");
  return Response.json(await context.suggestions.list(plan));
}

/**
 * POST `{sectionKey, anchor, text}` (narrative) or `{sectionKey, rowId, field, value}` (a cell):
 * 201, or 200 with the author's identical open cell proposal.
 */
export async function action({ request, params, context }: ActionFunctionArgs) {
  if (request.method !== "POST") return jsonError(405, "use POST to suggest");
  const user = await requireApiUser(context, request);
  const { plan, role } = await requirePlanMember(context, user, params.id, "api");
  await requireWithinCreateLimit(context, "comment", user.id);
  const input = await readJson(request, newSuggestionSchema);
  const { suggestion, created } = await refusalsAsJson(() => context.suggestions.create(plan, user, role, input));
  // The same cell proposal again from its author: the one already open, not a second.
  return Response.json(suggestion, { status: created ? 201 : 200 });
}
