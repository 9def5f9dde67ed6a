import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireApiSession } from "~/utils/auth.server";
import { methodNotAllowed } from "~/utils/http.server";

/** Server-sent events: `event: plan` `{planId}` for each change on your portfolio, until the session ends. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user, sessionHash } = await requireApiSession(context, request);
  return context.eventStreams.open({
    sessionHash,
    userId: user.id,
    signal: request.signal,
    retryMs: 2000,
    start: (send) => context.portfolioFeed.subscribe(user, (planId) => send({ event: "plan", data: { planId } })),
  });
}

export const action = methodNotAllowed("use GET to follow the portfolio");
