import type { LoaderFunctionArgs } from "@remix-run/node";
import { parseVersionId } from "~/shared/version-input";
import { requireApiUser } from "~/utils/auth.server";
import { jsonError, methodNotAllowed, refusalsAsJson } from "~/utils/http.server";
import { requirePlanMember } from "~/utils/plan-access.server";

/** `?from=<versionId>&to=<versionId|current>`: the two readings compared section by section. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireApiUser(context, request);
  const { plan } = await requirePlanMember(context, user, params.id, "api");
  const query = new URL(request.url).searchParams;
  const from = parseVersionId(query.get("from"));
  const toRaw = query.get("to") ?? "current";
  const to = toRaw === "current" ? "current" : parseVersionId(toRaw);
  if (from === null) return jsonError(400, "from: give the id of a version to compare from");
  if (to === null) return jsonError(400, 'to: give the id of a version, or "current"');
  return Response.json(await refusalsAsJson(() => context.versions.compare(plan, from, to)));
}

export const action = methodNotAllowed("use GET to compare versions");
