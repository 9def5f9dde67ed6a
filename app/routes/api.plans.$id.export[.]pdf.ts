import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireApiUser } from "~/utils/auth.server";
import { requirePlanMember } from "~/utils/plan-access.server";
import { methodNotAllowed } from "~/utils/http.server";

/** The plan as a PDF, for any member; `?comments=1` adds the comment threads as an appendix. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireApiUser(context, request);
  const { plan } = requirePlanMember(context, user, params.id, "api");
  const withComments = new URL(request.url).searchParams.get("comments") === "1";
  const pdf = await context.exports.exportPdf(plan, user, { withComments });
  const filename = `${plan.area}-${plan.title}`.replace(/[^\w-]+/g, "-").replace(/-+/g, "-").slice(0, 80);
  return new Response(new Uint8Array(pdf), {
    headers: {
      "content-type": "application/pdf",
      "content-disposition": `attachment; filename="${filename}.pdf"`,
      "cache-control": "no-store",
    },
  });
}

export const action = methodNotAllowed("use GET to export the plan");
