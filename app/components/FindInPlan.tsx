import { useSearchParams } from "@remix-run/react";
import { lazy, Suspense, useEffect, useState } from "react";

/** The bar and its search code load when it is first opened. */
const FindBar = lazy(() => import("./FindBar").then((bar) => ({ default: bar.FindBar })));

/**
 * Find in plan: `/` (outside a text field) or Ctrl+Shift+F opens a bar that finds words in every
 * narrative and table cell. A plan opened from a search result (`?q=`) starts with its words
 * highlighted and the section it names in view.
 */
export function FindInPlan() {
  const [params] = useSearchParams();
  const initial = params.get("q") ?? "";
  const [open, setOpen] = useState(initial !== "");
  const [query, setQuery] = useState(initial);
  const [selectRequest, setSelectRequest] = useState(0);
  /** Only the address the page was opened with lands anywhere; it is known only in the browser. */
  const [landOn, setLandOn] = useState<string | null>(null);
  const [landed, setLanded] = useState(initial === "");

  useEffect(() => {
    if (initial) setLandOn(decodeURIComponent(location.hash.replace(/^#section-/, "")));
    // Only the address the page was opened with counts.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      const typing = target?.closest("input, textarea, select, [contenteditable=true]");
      const slash = event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey;
      const chord = (event.ctrlKey || event.metaKey) && event.shiftKey && event.key.toLowerCase() === "f";
      if (!slash && !chord) return;
      event.preventDefault();
      setOpen(true);
      setSelectRequest((count) => count + 1);
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);

  if (!open || (!landed && landOn === null)) return null;
  return (
    <Suspense fallback={null}>
      <FindBar
        query={query}
        onQuery={setQuery}
        landOn={landed ? null : landOn}
        selectRequest={selectRequest}
        onClose={() => {
          setOpen(false);
          setLanded(true);
        }}
      />
    </Suspense>
  );
}
