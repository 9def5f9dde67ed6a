import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireApiUser } from "~/utils/auth.server";
import { requirePlanMember } from "~/utils/plan-access.server";
import { jsonError, methodNotAllowed } from "~/utils/http.server";

/**
 * The plan as a PDF, for any member; `?comments=1` adds the comment threads as an appendix.
 * An export the queue cannot take now is a 429 with Retry-After; one that timed out or whose
 * worker died is a 503.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireApiUser(context, request);
  const { plan } = requirePlanMember(context, user, params.id, "api");
  const withComments = new URL(request.url).searchParams.get("comments") === "1";
  const outcome = await context.exports.exportPdf(plan, user, { withComments });
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
