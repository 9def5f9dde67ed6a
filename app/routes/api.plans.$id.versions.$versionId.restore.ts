import type { ActionFunctionArgs } from "@remix-run/node";
import { canEdit } from "~/shared/permissions";
import { parseVersionId, restoreRequestSchema } from "~/shared/version-input";
import { requireApiUser } from "~/utils/auth.server";
import {
  jsonError,
  methodNotAllowed,
  readOptionalJson,
  refusalsAsJson,
  requireAllowed,
  requireWithinCreateLimit,
} from "~/utils/http.server";
import { requirePlanMember } from "~/utils/plan-access.server";

/**
 * POST `{sections?: [key]}` restores the whole plan or those sections from the version, as one
 * edit by the server; answers the id of the version saved just before (those who may edit).
 */
export async function action({ request, params, context }: ActionFunctionArgs) {
  if (request.method !== "POST") return jsonError(405, "use POST to restore a version");
  const user = await requireApiUser(context, request);
  const { plan, role } = await requirePlanMember(context, user, params.id, "api");
  requireAllowed(canEdit(role), "only owners, editors and signatories restore versions");
  await requireWithinCreateLimit(context, "version", user.id);
  const versionId = parseVersionId(params.versionId);
  if (versionId === null) return jsonError(404, "version not found");
  const body = await readOptionalJson(request, restoreRequestSchema);
  const beforeId = await refusalsAsJson(() => context.versions.restore(plan, user.id, versionId, body?.sections));
  return Response.json({ versionId: beforeId });
}

export const loader = methodNotAllowed("use POST to restore a version");
