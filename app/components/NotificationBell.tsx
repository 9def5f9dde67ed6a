import { Link } from "@remix-run/react";
import { useEffect, useState } from "react";
import { whenPageIdle } from "./page-idle";

/** Fired on the window whenever the unread count arrives, so an open inbox can refresh. */
export const NOTIFICATIONS_CHANGED = "coplan:notifications";

/** How long after the load event the stream may wait for the page to be idle. */
const STREAM_WITHIN_MS = 2000;

/**
 * The header's bell: the unread count, kept live by the server's event stream (the browser's
 * EventSource reconnects by itself), and a link to the inbox.
 */
export function NotificationBell() {
  const [unread, setUnread] = useState<number | null>(null);
  // Opened once the page has loaded, in idle time: the count can wait for the page's own work.
  useEffect(() => {
    let source: EventSource | undefined;
    const cancel = whenPageIdle(() => {
      source = new EventSource("/api/notifications/stream");
      source.onmessage = (message: MessageEvent<string>) => {
        const { unread: count } = JSON.parse(message.data) as { unread: number };
        setUnread(count);
        window.dispatchEvent(new CustomEvent(NOTIFICATIONS_CHANGED, { detail: count }));
      };
    }, STREAM_WITHIN_MS);
    return () => {
      cancel();
      source?.close();
    };
  }, []);
  const label = unread ? `Notifications, ${unread} unread` : "Notifications";
  return (
    <Link to="/notifications" className="bell" aria-label={label} title={label} data-unread={unread ?? undefined}>
      <svg aria-hidden="true" viewBox="0 0 24 24" width="20" height="20">
        <path
          d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z"
          fill="currentColor"
        />
      </svg>
      {unread ? <span className="bell__count">{unread > 99 ? "99+" : unread}</span> : null}
    </Link>
  );
}
