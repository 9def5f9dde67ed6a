import type { LoaderFunctionArgs } from "@remix-run/node";
import { jsonError, methodNotAllowed } from "~/utils/http.server";

/** A comment line now and then: proxies keep a quiet stream open, and a client gone away is noticed. */
const HEARTBEAT_MS = 25_000;

/**
 * Server-sent events: `{unread, latest}` at once and whenever your notifications change
 * (decision 0021). Ends when the session does (sign-out, a password change, deactivation).
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const session = await context.auth.sessionFromCookie(request.headers.get("Cookie"));
  if (!session) throw jsonError(401, "sign in required");
  const { user } = session;
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
      const heartbeat = setInterval(() => send(": still here\n\n"), HEARTBEAT_MS);
      const end = () => {
        stop();
        try {
          controller.close();
        } catch {
          // Already closed by the client going away.
        }
      };
      const unsubscribe = context.notifications.subscribe(user.id, session.sessionHash, event, end);
      stop = () => {
        clearInterval(heartbeat);
        unsubscribe();
      };
      request.signal.addEventListener("abort", end);
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
