import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { requireApiUser } from "~/utils/auth.server";
import { jsonError, refusalsAsJson } from "~/utils/http.server";
import { requirePlanMember } from "~/utils/plan-access.server";

const RESOLVED_AFTER = { resolve: true, reopen: false } as const;

/**
 * POST `.../resolve` resolves a thread and `.../reopen` reopens it: its author, or anyone who
 * may edit the plan.
 */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const verb = params.verb as keyof typeof RESOLVED_AFTER;
  if (!Object.hasOwn(RESOLVED_AFTER, verb)) return jsonError(404, "not found");
  if (request.method !== "POST") return jsonError(405, `use POST to ${verb} a thread`);
  const user = await requireApiUser(context, request);
  const { plan, role } = await requirePlanMember(context, user, params.id, "api");
  const resolved = RESOLVED_AFTER[verb];
  return Response.json(
    await refusalsAsJson(() => context.comments.setResolved(plan, user, role, params.commentId ?? "", resolved)),
  );
}

export function loader({ params }: LoaderFunctionArgs) {
  if (!Object.hasOwn(RESOLVED_AFTER, params.verb ?? "")) return jsonError(404, "not found");
  return jsonError(405, "use POST to resolve or reopen a thread");
}
