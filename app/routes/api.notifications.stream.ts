import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireApiUser } from "~/utils/auth.server";
import { methodNotAllowed } from "~/utils/http.server";

/** A comment line now and then: proxies keep a quiet stream open, and a client gone away is noticed. */
const HEARTBEAT_MS = 25_000;

/**
 * Server-sent events: `{unread, latest}` at once and whenever your notifications change
 * (decision 0021). Ends when the session does.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireApiUser(context, request);
  const encoder = new TextEncoder();
  let stop = () => undefined as void;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (chunk: string) => {
        try {
          controller.enqueue(encoder.encode(chunk));
        } catch {
          stop();
        }
      };
      const event = (unread: number, latest: unknown) => send(`data: ${JSON.stringify({ unread, latest })}\n\n`);
      const unsubscribe = context.notifications.subscribe(user.id, event);
      const heartbeat = setInterval(() => send(": still here\n\n"), HEARTBEAT_MS);
      stop = () => {
        clearInterval(heartbeat);
        unsubscribe();
      };
      request.signal.addEventListener("abort", () => {
        stop();
        try {
          controller.close();
        } catch {
          // Already closed by the client going away.
        }
      });
      send("retry: 3000\n\n");
      event(context.notifications.unreadCount(user.id), null);
    },
    cancel() {
      stop();
    },
  });
  return new Response(stream, {
    headers: { "Content-Type": "text/event-stream", "Cache-Control": "no-store", "X-Accel-Buffering": "no" },
  });
}

export const action = methodNotAllowed("use GET to follow your notifications");
