import { useLayoutEffect, useState, type ReactNode, type RefObject } from "react";

/**
 * Markup the server drew that the page keeps as it is while React hydrates (decision 0044).
 * Hydrating a reading copy means React building and matching an element for every paragraph,
 * mark and table cell of the plan, in one task of a few hundred milliseconds on a phone; an
 * element given `dangerouslySetInnerHTML` is matched alone and its children are left as they
 * are. The copy is drawn by React again only when what it shows changes (another person's
 * typing), or when there is no server markup (a page reached by a link within the app).
 */

/** Set once the page's first render has been hydrated; see `markHydrated`. */
let hydrated = typeof document === "undefined";

/** Called from the root's first effect: components mounted from then on draw their own markup. */
export function markHydrated(): void {
  hydrated = true;
}

const NOT_SERVED = Symbol("not served");

/** The element's children stay the server's: React neither builds nor compares them. */
const KEEP = { dangerouslySetInnerHTML: { __html: "" }, suppressHydrationWarning: true } as const;

/**
 * The props for an element (`ref`) whose children `draw` draws from `sources`: they keep the
 * server's children if the element was mounted while the page hydrated, for as long as each of
 * `sources` is the one it was mounted with; otherwise they are `draw()`.
 */
export function useServedMarkup(
  ref: RefObject<HTMLElement>,
  sources: readonly unknown[],
  draw: () => ReactNode,
): { children: ReactNode } | typeof KEEP {
  const [served, setServed] = useState<readonly unknown[] | typeof NOT_SERVED>(() => (hydrated ? NOT_SERVED : sources));
  const keep =
    served !== NOT_SERVED && served.length === sources.length && served.every((item, index) => item === sources[index]);
  // If React gave up hydrating and drew the page afresh, the element is empty: draw it, before
  // the browser paints.
  useLayoutEffect(() => {
    if (keep && ref.current && ref.current.childNodes.length === 0) setServed(NOT_SERVED);
  }, [keep, ref]);
  return keep ? KEEP : { children: draw() };
}
