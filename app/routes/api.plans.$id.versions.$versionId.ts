import type { LoaderFunctionArgs } from "@remix-run/node";
import { parseVersionId } from "~/shared/version-input";
import { requireApiUser } from "~/utils/auth.server";
import { jsonError, methodNotAllowed, refusalsAsJson } from "~/utils/http.server";
import { requirePlanMember } from "~/utils/plan-access.server";

/** The plan as `GET /api/plans/:id` showed it when the version was made (any member). */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireApiUser(context, request);
  const { plan } = await requirePlanMember(context, user, params.id, "api");
  const versionId = parseVersionId(params.versionId);
  if (versionId === null) return jsonError(404, "version not found");
  return Response.json(await refusalsAsJson(() => context.versions.view(plan, versionId)));
}

export const action = methodNotAllowed("use GET to read a version, or POST .../restore to restore it");
