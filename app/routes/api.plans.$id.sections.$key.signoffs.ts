import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { signoffRequestSchema } from "~/shared/signoff-input";
import { requireApiUser } from "~/utils/auth.server";
import { jsonError, readOptionalJson, refusalsAsJson } from "~/utils/http.server";
import { requirePlanMember } from "~/utils/plan-access.server";

/**
 * The section's sign-off history, what changed since its current sign-off, and its wording and
 * content hash now (what a sign-off made next would cover): its content to show as the page
 * does, whether it is empty, and the statement the reader would sign if they sign it;
 * `?since=<contentHash>` adds what changed since that reading.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireApiUser(context, request);
  const access = await requirePlanMember(context, user, params.id, "api");
  const since = new URL(request.url).searchParams.get("since") ?? undefined;
  return Response.json(
    await refusalsAsJson(() => context.signoffs.history(access.plan, params.key ?? "", since, { user, ...access })),
  );
}

/**
 * POST `{contentHash, password}` signs the section off for the signatory's side (a deputy signs
 * for the signatory they stand in for), once their own password proves it is them (401
 * otherwise, counted like a failed sign-in); DELETE revokes their own sign-off, or one their
 * deputy made for them.
 */
export async function action({ request, params, context }: ActionFunctionArgs) {
  if (request.method !== "POST" && request.method !== "DELETE") {
    return jsonError(405, "use POST to sign off a section or DELETE to revoke your sign-off");
  }
  const user = await requireApiUser(context, request);
  const access = await requirePlanMember(context, user, params.id, "api");
  const { plan } = access;
  const sectionKey = params.key ?? "";
  if (request.method === "DELETE") {
    await refusalsAsJson(() => context.signoffs.revoke(plan, user, sectionKey));
    return new Response(null, { status: 204 });
  }
  const body = await readOptionalJson(request, signoffRequestSchema);
  const record = await refusalsAsJson(() =>
    context.signoffs.sign(plan, user, access, sectionKey, body ?? {}, context.clientAddress),
  );
  return Response.json(record, { status: 201 });
}
