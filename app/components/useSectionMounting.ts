import { startTransition, useCallback, useEffect, useState, type RefObject } from "react";
import type { Editor } from "@tiptap/react";

/** An idle period shorter than this is left alone: a section's editors take longer to build. */
const IDLE_ENOUGH_MS = 8;
/** However busy the page, the next section is built at the latest this long after the last. */
const IDLE_TIMEOUT_MS = 2000;
/**
 * How long a press or focus on a section's reading copy waits for its editor to take it over: the
 * first build fetches the editors' code, TipTap's included (decision 0044), which on a slow
 * phone and connection takes seconds. A press elsewhere in the meantime replaces it.
 */
const CARRY_MS = 15_000;
const SHOW_ALL = "coplan:show-all-sections";
const SHOW_ONE = "coplan:show-section";

/**
 * Asks the plan page to put every section's editors on the page now, for features that read the
 * whole plan from the page (find in plan).
 */
export function showAllSections(): void {
  document.dispatchEvent(new CustomEvent(SHOW_ALL));
}

/** Asks the plan page for one section's editors now (a jump to it from the section list). */
export function showSection(key: string): void {
  document.dispatchEvent(new CustomEvent<string>(SHOW_ONE, { detail: key }));
}

/** A press or focus on a section's reading copy, to be given to its editor once that is built. */
interface Carry {
  key: string;
  /**
   * Where the press was, from the section's top left corner: sections above may be built (and
   * change height) before this one, so the point on the screen may no longer be on the words.
   * None for focus from the keyboard.
   */
  point?: { x: number; y: number };
}

/**
 * Which sections have their editors and tables on the page. Building a TipTap editor (its schema,
 * plugins and view) is the heaviest work the plan page does, and the server's reading copy looks
 * the same, so no editor is built as the page opens (decision 0039):
 * - a section the person reaches for gets its editors at once: the pointer over it, a press in
 *   it, focus in it, a jump to it, a comment thread in it. A press or focus on its reading copy
 *   is carried over to the editor (the caret lands where the press was);
 * - the rest are built in idle time once the page has loaded and the person has shown they are
 *   there (a pointer moved or pressed, a key, a wheel), one section per idle period (each is a
 *   task of its own, so input waits at most one section's build), nearest the screen first. A
 *   page only read, never touched, builds none.
 *
 * Nothing is built before the plan's content is in (`ready`): an editor made then would render
 * its part of the sync at once. A section once shown stays: its editor holds the person's undo
 * history and caret. The sections are the `[data-section-key]` elements inside `container`.
 */
export function useSectionMounting(
  container: RefObject<HTMLElement | null>,
  keys: string[],
  ready: boolean,
): { isShown: (key: string) => boolean; show: (key: string) => void; allShown: boolean } {
  const [wanted, setWanted] = useState<ReadonlySet<string>>(() => new Set());
  // A transition: a pointer resting where the page is drawn can ask for a section while React is
  // still hydrating it, and only a transition may update a boundary that has not hydrated yet
  // (otherwise React throws the server's HTML away: error 421).
  const want = useCallback((more: string[]) => {
    startTransition(() =>
      setWanted((current) => {
        const missing = more.filter((key) => !current.has(key));
        return missing.length === 0 ? current : new Set([...current, ...missing]);
      }),
    );
  }, []);
  const [carry, setCarry] = useState<Carry | null>(null);

  useEffect(() => {
    const root = container.current;
    if (!root) return;
    const onIntent = (event: Event) => {
      const target = event.target instanceof Element ? event.target : null;
      const sectionElement = target?.closest<HTMLElement>("[data-section-key]");
      const key = sectionElement?.dataset.sectionKey;
      if (!key) return;
      if (event.type !== "pointerover" && target!.closest(".section-reading")) {
        const corner = sectionElement!.getBoundingClientRect();
        const point =
          event instanceof PointerEvent ? { x: event.clientX - corner.left, y: event.clientY - corner.top } : undefined;
        // A press focuses what it presses: its point is kept, not replaced by the focus.
        setCarry((current) => (!point && current?.key === key && current.point ? current : { key, point }));
      }
      want([key]);
    };
    const types = ["pointerover", "pointerdown", "focusin"] as const;
    for (const type of types) root.addEventListener(type, onIntent, { passive: true });
    return () => {
      for (const type of types) root.removeEventListener(type, onIntent);
    };
  }, [container, want]);

  useEffect(() => {
    const showAll = () => want(keys);
    const showOne = (event: Event) => want([(event as CustomEvent<string>).detail]);
    document.addEventListener(SHOW_ALL, showAll);
    document.addEventListener(SHOW_ONE, showOne);
    return () => {
      document.removeEventListener(SHOW_ALL, showAll);
      document.removeEventListener(SHOW_ONE, showOne);
    };
  }, [keys, want]);

  const loaded = useLoaded();
  const engaged = useEngaged();
  const allWanted = keys.every((key) => wanted.has(key));
  useEffect(() => {
    const root = container.current;
    if (!root || !ready || !loaded || (!engaged && wanted.size === 0) || allWanted) return;
    const next = () => nearestUnwanted(root, wanted);
    if (typeof requestIdleCallback === "undefined") {
      const timer = setTimeout(() => want([next()].filter((key) => key !== undefined)), 50);
      return () => clearTimeout(timer);
    }
    let handle = 0;
    const onIdle = (deadline: IdleDeadline) => {
      if (!deadline.didTimeout && deadline.timeRemaining() < IDLE_ENOUGH_MS) {
        handle = requestIdleCallback(onIdle, { timeout: IDLE_TIMEOUT_MS });
        return;
      }
      const key = next();
      if (key !== undefined) want([key]);
    };
    handle = requestIdleCallback(onIdle, { timeout: IDLE_TIMEOUT_MS });
    return () => cancelIdleCallback(handle);
  }, [container, ready, loaded, engaged, allWanted, wanted, want]);

  // A press or focus that reached a reading copy goes on to the editor that replaces it.
  useEffect(() => {
    if (!ready || !carry) return;
    let frame = 0;
    const until = performance.now() + CARRY_MS;
    const attempt = () => {
      const section = document.querySelector<HTMLElement>(`[data-section-key="${CSS.escape(carry.key)}"]`);
      if (section && !section.querySelector(".section-reading")) {
        setCarry(null);
        carryOver(section, carry);
      } else if (performance.now() < until) frame = requestAnimationFrame(attempt);
      else setCarry(null);
    };
    frame = requestAnimationFrame(attempt);
    return () => cancelAnimationFrame(frame);
  }, [ready, carry]);

  const isShown = useCallback((key: string) => ready && wanted.has(key), [ready, wanted]);
  const show = useCallback((key: string) => want([key]), [want]);
  return { isShown, show, allShown: ready && allWanted };
}

/**
 * True once the page's load event has passed: idle building waits for the page's own loading.
 * Told in a transition: the plan page is drawn again in slices, not in one long task.
 */
function useLoaded(): boolean {
  const [loaded, setLoaded] = useState(false);
  useEffect(() => {
    const onLoad = () => startTransition(() => setLoaded(true));
    if (document.readyState === "complete") {
      onLoad();
      return;
    }
    window.addEventListener("load", onLoad);
    return () => window.removeEventListener("load", onLoad);
  }, []);
  return loaded;
}

/** True once the person has moved or pressed the pointer, pressed a key or turned a wheel on the page. */
function useEngaged(): boolean {
  const [engaged, setEngaged] = useState(false);
  useEffect(() => {
    const types = ["pointermove", "pointerdown", "keydown", "wheel"] as const;
    const onInput = () => {
      setEngaged(true);
      for (const type of types) window.removeEventListener(type, onInput, true);
    };
    for (const type of types) window.addEventListener(type, onInput, { capture: true, passive: true });
    return () => {
      for (const type of types) window.removeEventListener(type, onInput, true);
    };
  }, []);
  return engaged;
}

/** The section without editors nearest the screen (on it first, then by distance). */
function nearestUnwanted(root: HTMLElement, wanted: ReadonlySet<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const element of root.querySelectorAll<HTMLElement>("[data-section-key]")) {
    const key = element.dataset.sectionKey!;
    if (wanted.has(key)) continue;
    const box = element.getBoundingClientRect();
    const distance = box.bottom < 0 ? -box.bottom : box.top > innerHeight ? box.top - innerHeight : 0;
    if (distance < bestDistance) {
      best = key;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * The editor now stands where the reading copy was, drawn the same, so the press's point in the
 * section is the same place in its text: the caret goes there. Focus that came from the keyboard
 * goes to the editor. Either only if the person has not since moved on to something else.
 */
function carryOver(section: HTMLElement, pending: Carry): void {
  const active = document.activeElement;
  // A press on the copy may have focused a focusable ancestor (the main landmark): not elsewhere.
  const pressedIntoAncestor = pending.point !== undefined && active?.contains(section) === true;
  if (active && active !== document.body && !section.contains(active) && !pressedIntoAncestor) return;
  const corner = section.getBoundingClientRect();
  const point = pending.point && { x: corner.left + pending.point.x, y: corner.top + pending.point.y };
  const target = point ? document.elementFromPoint(point.x, point.y) : null;
  const view = (target ?? section).closest?.<HTMLElement>(".ProseMirror") ?? null;
  if (point && target && !view) {
    if (target.matches("input, textarea, select, button")) (target as HTMLElement).focus();
    return;
  }
  const editorDom = view ?? section.querySelector<HTMLElement>(".ProseMirror");
  if (!editorDom) return;
  // TipTap keeps its editor on the view's element.
  const editor = (editorDom as HTMLElement & { editor?: Editor }).editor;
  const at = point && editor ? editor.view.posAtCoords({ left: point.x, top: point.y }) : null;
  if (editor && at) editor.chain().focus().setTextSelection(at.pos).run();
  else editorDom.focus({ preventScroll: true });
}
