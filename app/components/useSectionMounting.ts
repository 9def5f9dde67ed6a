import { useCallback, useEffect, useState, type RefObject } from "react";

/** Sections this close to the screen (one screen above and below) get their editors. */
const NEAR = "100% 0px";
/** The rest follow one at a time when the page is idle, and at the latest this long apart. */
const IDLE_TIMEOUT_MS = 1000;
const SHOW_ALL = "coplan:show-all-sections";

/**
 * Asks the plan page to put every section's editors on the page now, for features that read the
 * whole plan from the page (find in plan).
 */
export function showAllSections(): void {
  document.dispatchEvent(new CustomEvent(SHOW_ALL));
}

/**
 * Which sections have their editors and tables on the page. A long plan's editors cost most of
 * its opening time (each TipTap editor builds its own schema and plugins), so a section gets them
 * once it comes near the screen, the nearest first and the other near ones a frame apart, and
 * the rest follow one per idle moment once the plan's content is in (`ready`). A section once
 * shown stays: its editor holds the person's undo history and caret.
 *
 * The sections are the `[data-section-key]` elements inside `container`.
 */
export function useSectionMounting(
  container: RefObject<HTMLElement | null>,
  keys: string[],
  ready: boolean,
): { isShown: (key: string) => boolean; show: (key: string) => void; allShown: boolean } {
  const [shown, setShown] = useState<ReadonlySet<string>>(() => new Set());
  const showKeys = useCallback((wanted: string[]) => {
    setShown((current) => {
      const missing = wanted.filter((key) => !current.has(key));
      return missing.length === 0 ? current : new Set([...current, ...missing]);
    });
  }, []);

  /** Near sections still to show, nearest first: one per frame, so the first paints without waiting for the rest. */
  const [soon, setSoon] = useState<string[]>([]);

  // Before the content is in every section looks short and near, and an editor made then would
  // render its part of the sync at once, so nothing is shown until then.
  useEffect(() => {
    const root = container.current;
    if (!root || !ready) return;
    const observer = new IntersectionObserver(
      (entries) => {
        const near = entries
          .filter((entry) => entry.isIntersecting)
          .sort((a, b) => Math.abs(a.boundingClientRect.top) - Math.abs(b.boundingClientRect.top))
          .map((entry) => (entry.target as HTMLElement).dataset.sectionKey!);
        if (near.length === 0) return;
        showKeys(near.slice(0, 1));
        setSoon((current) => [...near.slice(1), ...current.filter((key) => !near.includes(key))]);
      },
      { rootMargin: NEAR },
    );
    root.querySelectorAll<HTMLElement>("[data-section-key]").forEach((element) => observer.observe(element));
    return () => observer.disconnect();
  }, [container, ready, showKeys]);

  useEffect(() => {
    const showAll = () => showKeys(keys);
    document.addEventListener(SHOW_ALL, showAll);
    return () => document.removeEventListener(SHOW_ALL, showAll);
  }, [keys, showKeys]);

  const nextSoon = soon.find((key) => !shown.has(key));
  const next = keys.find((key) => !shown.has(key));
  useEffect(() => {
    if (nextSoon === undefined) return;
    const frame = requestAnimationFrame(() => showKeys([nextSoon]));
    return () => cancelAnimationFrame(frame);
  }, [nextSoon, showKeys]);

  useEffect(() => {
    if (!ready || next === undefined || nextSoon !== undefined) return;
    if (typeof requestIdleCallback === "undefined") {
      const timer = setTimeout(() => showKeys([next]), 50);
      return () => clearTimeout(timer);
    }
    const handle = requestIdleCallback(() => showKeys([next]), { timeout: IDLE_TIMEOUT_MS });
    return () => cancelIdleCallback(handle);
  }, [ready, next, nextSoon, showKeys]);

  const isShown = useCallback((key: string) => shown.has(key), [shown]);
  const show = useCallback((key: string) => showKeys([key]), [showKeys]);
  return { isShown, show, allShown: next === undefined };
}
