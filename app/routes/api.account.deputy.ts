import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { deputyInputSchema } from "~/shared/deputy-input";
import { requireApiUser } from "~/utils/auth.server";
import { jsonError, readJson, refusalsAsJson } from "~/utils/http.server";

/** The deputies you have named (running or yet to start) and whom you stand in for. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireApiUser(context, request);
  return Response.json(await context.deputies.forAccount(user.id));
}

/** PUT names your deputy for a period (replacing any it overlaps); DELETE ends yours now. */
export async function action({ request, context }: ActionFunctionArgs) {
  if (request.method !== "PUT" && request.method !== "DELETE") {
    return jsonError(405, "use PUT to name a deputy or DELETE to end your deputy's period");
  }
  const user = await requireApiUser(context, request);
  if (request.method === "DELETE") {
    await refusalsAsJson(() => context.deputies.end(user.id));
    return new Response(null, { status: 204 });
  }
  const input = await readJson(request, deputyInputSchema);
  return Response.json(await refusalsAsJson(() => context.deputies.name(user, input)));
}
