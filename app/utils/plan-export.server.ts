import type { LoaderFunctionArgs } from "@remix-run/node";
import type { ExportFormat } from "../../server/pdf/pdf-worker.server";
import { parseVersionId } from "~/shared/version-input";
import { requireApiUser } from "~/utils/auth.server";
import { crossSiteRefusal, jsonError, refusalsAsJson } from "~/utils/http.server";
import { requirePlanMember } from "~/utils/plan-access.server";

const CONTENT_TYPE: Record<ExportFormat, string> = {
  pdf: "application/pdf",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
};

/**
 * The plan as a file, for any member; `?comments=1` adds the comment threads as an appendix,
 * `?suggestions=1` the open suggestions (not with a version: they are today's), and
 * `?version=<versionId>` exports that version instead of the plan now.
 * An export the queue cannot take now is a 429 with Retry-After; one that timed out or whose
 * worker died is a 503. A link from another site exports nothing (a page asks to confirm).
 */
export async function planExportResponse(
  { request, params, context }: LoaderFunctionArgs,
  format: ExportFormat,
): Promise<Response> {
  const crossSite = crossSiteRefusal(request);
  if (crossSite) return crossSite;
  const user = await requireApiUser(context, request);
  const { plan } = await requirePlanMember(context, user, params.id, "api");
  const query = new URL(request.url).searchParams;
  const withComments = query.get("comments") === "1";
  const withSuggestions = query.get("suggestions") === "1";
  const rawVersion = query.get("version");
  const versionId = rawVersion === null ? undefined : parseVersionId(rawVersion);
  if (versionId === null) return jsonError(404, "version not found");
  if (withSuggestions && versionId !== undefined) {
    return jsonError(400, "suggestions=1 lists the suggestions open now: it cannot go with version");
  }
  const outcome = await refusalsAsJson(() =>
    context.exports.exportPlan(plan, user, { format, withComments, withSuggestions, versionId }),
  );
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
      "content-type": CONTENT_TYPE[format],
      "content-disposition": `attachment; filename="${filename}.${format}"`,
      "cache-control": "no-store",
    },
  });
}
