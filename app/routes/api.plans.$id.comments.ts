import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { newCommentSchema } from "~/shared/comment-input";
import { requireApiUser } from "~/utils/auth.server";
import { jsonError, readJson, refusalsAsJson, requireWithinCreateLimit } from "~/utils/http.server";
import { requirePlanMember } from "~/utils/plan-access.server";

/** Every comment of the plan, oldest first; replies carry their thread's `parentId`. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireApiUser(context, request);
  const { plan } = await requirePlanMember(context, user, params.id, "api");
  return Response.json(await context.comments.list(plan));
}

/** POST `{sectionKey, body, quote?, anchor?, parentId?}` starts a thread or replies to one. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  if (request.method !== "POST") return jsonError(405, "use POST to comment");
  const user = await requireApiUser(context, request);
  const { plan, role } = await requirePlanMember(context, user, params.id, "api");
  await requireWithinCreateLimit(context, "comment", user.id);
  const input = await readJson(request, newCommentSchema);
  const comment = await refusalsAsJson(() => context.comments.create(plan, user, role, input));
  return Response.json(comment, { status: 201 });
}
