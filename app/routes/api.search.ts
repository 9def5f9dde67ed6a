import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireApiUser } from "~/utils/auth.server";
import { jsonError, methodNotAllowed, refusalsAsJson } from "~/utils/http.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireApiUser(context, request);
  const query = new URL(request.url).searchParams.get("q");
  if (query === null) throw jsonError(400, "q: give the words to search for");
  return Response.json(await refusalsAsJson(() => context.search.search(user, query)));
}

export const action = methodNotAllowed("use GET to search");
