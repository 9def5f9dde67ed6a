import type { ActionFunctionArgs } from "@remix-run/node";
import { editCommentSchema } from "~/shared/comment-input";
import { requireApiUser } from "~/utils/auth.server";
import { jsonError, readJson, refusalsAsJson } from "~/utils/http.server";
import { requirePlanMember } from "~/utils/plan-access.server";

/** PATCH `{body}` edits your own comment; DELETE deletes it. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  if (request.method !== "PATCH" && request.method !== "DELETE") {
    return jsonError(405, "use PATCH to edit a comment or DELETE to delete it");
  }
  const user = await requireApiUser(context, request);
  const { plan, role } = await requirePlanMember(context, user, params.id, "api");
  const commentId = params.commentId ?? "";
  if (request.method === "DELETE") {
    await refusalsAsJson(() => context.comments.remove(plan, user, role, commentId));
    return new Response(null, { status: 204 });
  }
  const { body } = await readJson(request, editCommentSchema);
  return Response.json(await refusalsAsJson(() => context.comments.edit(plan, user, role, commentId, body)));
}

export function loader() {
  return jsonError(405, "use GET /api/plans/:id/comments to read comments");
}
