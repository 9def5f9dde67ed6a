import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireApiSession } from "~/utils/auth.server";
import { methodNotAllowed } from "~/utils/http.server";

/**
 * Server-sent events: `{unread, latest}` at once and whenever your notifications change
 * (decision 0021). Ends when the session does (sign-out, a password change, deactivation).
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user, sessionHash } = await requireApiSession(context, request);
  return context.eventStreams.open({
    sessionHash,
    userId: user.id,
    signal: request.signal,
    retryMs: 3000,
    start: (send) => {
      const unsubscribe = context.notifications.subscribe(user.id, (unread, latest) =>
        send({ data: { unread, latest } }),
      );
      void context.notifications
        .unreadCount(user.id)
        .then((unread) => send({ data: { unread, latest: null } }))
        .catch((error: unknown) => console.error(`notifications: could not count user ${user.id}'s unread:`, error));
      return unsubscribe;
    },
  });
}

export const action = methodNotAllowed("use GET to follow your notifications");
