/**
 * Asks the plan page's history panel to open on a comparison of a version with now, from
 * anywhere on the page (the sign-off panel's "What changed since sign-off").
 */
const COMPARE_EVENT = "coplan:compare-version";

export function openComparison(versionId: number): void {
  window.dispatchEvent(new CustomEvent<number>(COMPARE_EVENT, { detail: versionId }));
}

export function onOpenComparison(listener: (versionId: number) => void): () => void {
  const handler = (event: Event) => listener((event as CustomEvent<number>).detail);
  window.addEventListener(COMPARE_EVENT, handler);
  return () => window.removeEventListener(COMPARE_EVENT, handler);
}
