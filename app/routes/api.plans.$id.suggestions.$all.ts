import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { bulkDecisionSchema } from "~/shared/suggestion-input";
import { requireApiUser } from "~/utils/auth.server";
import { jsonError, readJson, refusalsAsJson } from "~/utils/http.server";
import { requirePlanMember } from "~/utils/plan-access.server";

const DECISIONS = { "accept-all": "accept", "reject-all": "reject" } as const;

/** POST `.../accept-all` or `.../reject-all` `{sectionKey?, authorId?, reason?}` decides many open suggestions at once. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  if (!isBulkVerb(params.all)) return jsonError(404, "not found");
  const decision = DECISIONS[params.all];
  if (request.method !== "POST") return jsonError(405, `use POST to ${decision} suggestions`);
  const user = await requireApiUser(context, request);
  const { plan, role } = await requirePlanMember(context, user, params.id, "api");
  const { reason, ...filter } = await readJson(request, bulkDecisionSchema);
  return Response.json(
    await refusalsAsJson(() => context.suggestions.decideAll(plan, user, role, decision, filter, reason || null)),
  );
}

export function loader({ params }: LoaderFunctionArgs) {
  if (!isBulkVerb(params.all)) return jsonError(404, "not found");
  return jsonError(405, "use POST to accept or reject suggestions");
}

function isBulkVerb(verb: string | undefined): verb is keyof typeof DECISIONS {
  return verb !== undefined && Object.hasOwn(DECISIONS, verb);
}
