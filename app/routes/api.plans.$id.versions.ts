import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { canEdit } from "~/shared/permissions";
import { namedVersionSchema } from "~/shared/version-input";
import { requireApiUser } from "~/utils/auth.server";
import { jsonError, readJson, requireAllowed, requireWithinCreateLimit } from "~/utils/http.server";
import { requirePlanMember } from "~/utils/plan-access.server";

/** The plan's versions, newest first (any member). */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireApiUser(context, request);
  const { plan } = await requirePlanMember(context, user, params.id, "api");
  return Response.json(await context.versions.list(plan.id));
}

/** POST `{name}` saves the plan now as a named version (those who may edit). */
export async function action({ request, params, context }: ActionFunctionArgs) {
  if (request.method !== "POST") return jsonError(405, "use POST to save a named version");
  const user = await requireApiUser(context, request);
  const { plan, role } = await requirePlanMember(context, user, params.id, "api");
  requireAllowed(canEdit(role), "only owners, editors and signatories save versions");
  await requireWithinCreateLimit(context, "version", user.id);
  const { name } = await readJson(request, namedVersionSchema);
  return Response.json({ id: await context.versions.makeNamed(plan, user.id, name) }, { status: 201 });
}
