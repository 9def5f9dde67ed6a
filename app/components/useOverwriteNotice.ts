import { useEffect, useRef, useState } from "react";
import type * as Y from "yjs";
import { useCellWriter } from "./CellPresence";
import { lastWrite } from "./recent-writes";

/** How recent a write must be for a different person's write over it to be worth saying. */
const RECENT_MS = 10_000;
/** How long the notice stays. */
const NOTICE_MS = 15_000;

/**
 * A value that is the last writer's (an amount) can replace what someone else set a moment ago
 * without either of them noticing. Each page watches the cell: when a different person's value
 * replaces one set within the last seconds, it says so ("Tom Okafor changed this to £222,222",
 * or to the one who replaced it: "You replaced Alison Reed's £111,111").
 */
export function useOverwriteNotice(
  map: Y.Map<unknown> | undefined,
  key: string,
  format: (value: unknown) => string,
): { notice: string | null; dismiss: () => void } {
  // Read through a ref: presence changes (someone entering the cell) must not restart the watch.
  const latest = useRef({ writer: useCellWriter(), format });
  latest.current = { writer: useCellWriter(), format };
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(() => {
    if (!map) return;
    const observe = (event: Y.YMapEvent<unknown>) => {
      if (!event.keysChanged.has(key)) return;
      const client = map._map.get(key)?.id.client;
      if (client === undefined) return;
      const value = map.get(key);
      // Kept for the whole page: this cell may have been built after the write it replaces.
      const last = lastWrite(map, key);
      const { writer } = latest.current;
      if (last && last.client !== client && Date.now() - last.at < RECENT_MS) {
        const before = writer(last.client) ?? "someone";
        const after = writer(client) ?? "Someone";
        setNotice(
          after === "me"
            ? `You replaced ${before === "me" ? "your own" : `${before}'s`} ${latest.current.format(last.value)}`
            : `${after} changed this to ${latest.current.format(value)}${
                before === "me" ? `, replacing your ${latest.current.format(last.value)}` : ""
              }`,
        );
      }
    };
    map.observe(observe);
    return () => map.unobserve(observe);
  }, [map, key]);
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(null), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [notice]);
  return { notice, dismiss: () => setNotice(null) };
}
