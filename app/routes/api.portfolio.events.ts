import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireApiUser } from "~/utils/auth.server";
import { methodNotAllowed } from "~/utils/http.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireApiUser(context, request);
  return new Response(context.portfolioFeed.open(user, request.signal), {
    headers: { "Content-Type": "text/event-stream", "Cache-Control": "no-store", "X-Accel-Buffering": "no" },
  });
}

export const action = methodNotAllowed("use GET to follow the portfolio");
