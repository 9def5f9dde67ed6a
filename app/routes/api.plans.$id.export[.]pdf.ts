import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireApiUser } from "~/utils/auth.server";
import { requirePlanMember } from "~/utils/plan-access.server";
import { crossSiteRefusal, jsonError, methodNotAllowed, refusalsAsJson } from "~/utils/http.server";
import { parseVersionId } from "~/shared/version-input";

/**
 * The plan as a PDF, for any member; `?comments=1` adds the comment threads as an appendix and
 * `?version=<versionId>` exports that version instead of the plan now.
 * An export the queue cannot take now is a 429 with Retry-After; one that timed out or whose
 * worker died is a 503. A link from another site exports nothing (a page asks to confirm).
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const crossSite = crossSiteRefusal(request);
  if (crossSite) return crossSite;
  const user = await requireApiUser(context, request);
  const { plan } = requirePlanMember(context, user, params.id, "api");
  const query = new URL(request.url).searchParams;
  const withComments = query.get("comments") === "1";
  const rawVersion = query.get("version");
  const versionId = rawVersion === null ? undefined : parseVersionId(rawVersion);
  if (versionId === null) return jsonError(404, "version not found");
  const outcome = await refusalsAsJson(() => context.exports.exportPdf(plan, user, { withComments, versionId }));
  if (!outcome.ok) {
    return "retryAfterSeconds" in outcome
      ? jsonError(429, outcome.error, { "Retry-After": String(outcome.retryAfterSeconds) })
      : jsonError(503, outcome.error);
  }
  const filename = `${plan.area}-${plan.title}`
    .replace(/[^\w-]+/g, "-")
    .replace(/-+/g, "-")
    .slice(0, 80);
  return new Response(outcome.result as Uint8Array<ArrayBuffer>, {
    headers: {
      "content-type": "application/pdf",
      "content-disposition": `attachment; filename="${filename}.pdf"`,
      "cache-control": "no-store",
    },
  });
}

export const action = methodNotAllowed("use GET to export the plan");
