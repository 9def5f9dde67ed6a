import { useLocation } from "@remix-run/react";
import { useEffect, useRef, type RefObject } from "react";

/** Once every section is on the page, the pin holds this much longer, for their last renders. */
const SETTLE_MS = 1000;

/**
 * Keeps the section the address names (`#section-<key>`, from a link or the section list) at the
 * top while the plan around it changes height: the content syncing in, and the sections above it
 * getting their editors. The browser's own jump happens once, before all that. The reader's own
 * scrolling, typing or clicking lets go at once; so does the page having settled.
 */
export function usePinnedSection(container: RefObject<HTMLElement | null>, settled: boolean): void {
  const location = useLocation();
  const pinned = useRef<HTMLElement | null>(null);

  useEffect(() => {
    // With `?q=` (a search result) find-in-plan takes the reader to the words instead.
    const wanted = location.hash.startsWith("#section-") && !new URLSearchParams(location.search).has("q");
    pinned.current = wanted ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
    // `location.key` is new on every jump, also to the section already named.
  }, [location.key, location.hash, location.search]);

  useEffect(() => {
    const root = container.current;
    if (!root) return;
    const release = () => {
      pinned.current = null;
    };
    const readerMoves = ["wheel", "touchstart", "keydown", "pointerdown"] as const;
    for (const type of readerMoves) window.addEventListener(type, release, { capture: true, passive: true });
    const observer = new ResizeObserver(() => pinned.current?.scrollIntoView({ block: "start" }));
    observer.observe(root);
    return () => {
      observer.disconnect();
      for (const type of readerMoves) window.removeEventListener(type, release, { capture: true });
    };
  }, [container]);

  useEffect(() => {
    if (!settled) return;
    const timer = setTimeout(() => {
      pinned.current = null;
    }, SETTLE_MS);
    return () => clearTimeout(timer);
  }, [settled]);
}
