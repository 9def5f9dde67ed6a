import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { rejectSuggestionSchema } from "~/shared/suggestion-input";
import { requireApiUser } from "~/utils/auth.server";
import { jsonError, readOptionalJson, refusalsAsJson } from "~/utils/http.server";
import { requirePlanMember } from "~/utils/plan-access.server";

const VERBS = new Set(["accept", "reject", "withdraw"]);

/** POST `.../accept`, `.../reject` `{reason?}` or `.../withdraw` decides one suggestion. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const verb = params.verb ?? "";
  if (!VERBS.has(verb)) return jsonError(404, "not found");
  if (request.method !== "POST") return jsonError(405, `use POST to ${verb} a suggestion`);
  const user = await requireApiUser(context, request);
  const { plan, role } = await requirePlanMember(context, user, params.id, "api");
  const id = params.sid ?? "";
  if (verb === "reject") {
    const reason = (await readOptionalJson(request, rejectSuggestionSchema))?.reason;
    return Response.json(await refusalsAsJson(() => context.suggestions.reject(plan, user, role, id, reason)));
  }
  return Response.json(
    await refusalsAsJson(() =>
      verb === "accept"
        ? context.suggestions.accept(plan, user, role, id)
        : context.suggestions.withdraw(plan, user, role, id),
    ),
  );
}

export function loader({ params }: LoaderFunctionArgs) {
  if (!VERBS.has(params.verb ?? "")) return jsonError(404, "not found");
  return jsonError(405, "use POST to accept, reject or withdraw a suggestion");
}
