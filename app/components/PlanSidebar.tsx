import { createContext, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from "react";

/**
 * What the sidebar's contents may ask of it. `moveAside` slides the sheet away (on narrow
 * screens, where it covers the lower part of the page) so what they show in the page is seen;
 * its toggle brings it back. Beside the plan it does nothing.
 */
export const PlanSidebarSheet = createContext<{ moveAside(): void }>({ moveAside: () => undefined });

/**
 * Who is here and the comments: a column beside the plan on wide screens; below 1100 px a sheet
 * over the lower part of the page that opens where the reader is, when they start a comment or
 * open a thread, instead of 8,000 px down the page. Alt+Shift+C reaches it.
 */
export function PlanSidebar({
  openThreads,
  opensFor,
  children,
}: {
  openThreads: number;
  /** Changes (to a non-null value) when the sidebar must come into view: a new draft or an opened thread. */
  opensFor: string | null;
  children: ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const aside = useRef<HTMLElement>(null);
  const toggle = useRef<HTMLButtonElement>(null);
  // Opened in the same render as the draft it shows, so the composer's focus lands in it.
  const [lastOpensFor, setLastOpensFor] = useState(opensFor);
  if (opensFor !== lastOpensFor) {
    setLastOpensFor(opensFor);
    if (opensFor !== null) setOpen(true);
  }
  // Before the composer takes focus (and the editor's selection with it): the words being
  // commented on move into the part of the screen above the sheet.
  useLayoutEffect(() => {
    if (!opensFor?.startsWith("draft:") || !aside.current || getComputedStyle(aside.current).position !== "fixed") {
      return;
    }
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0) return;
    const words = selection.getRangeAt(0).getBoundingClientRect();
    // Where the sheet will stand once slid in (its box is still below the screen now).
    const sheetTop = window.innerHeight - aside.current.offsetHeight;
    if (words.height > 0 && (words.bottom > sheetTop - 16 || words.top < 0)) {
      window.scrollBy({ top: words.top - window.innerHeight * 0.15, behavior: "instant" });
    }
  }, [opensFor]);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!(event.altKey && event.shiftKey && event.code === "KeyC")) return;
      event.preventDefault();
      setOpen(true);
      // The drawer becomes visible (and so focusable) on the next frame.
      requestAnimationFrame(() => aside.current?.focus());
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  const sheet = useMemo(
    () => ({
      moveAside: () => {
        if (aside.current && getComputedStyle(aside.current).position === "fixed") setOpen(false);
      },
    }),
    [],
  );
  const close = () => {
    setOpen(false);
    toggle.current?.focus();
  };
  return (
    <>
      <button
        type="button"
        ref={toggle}
        className="button sidebar-toggle"
        aria-expanded={open}
        aria-controls="plan-sidebar"
        onClick={() => setOpen(!open)}
      >
        Comments{openThreads ? ` (${openThreads})` : ""} and people
      </button>
      <aside
        ref={aside}
        id="plan-sidebar"
        className="sidebar"
        aria-label="People and comments"
        tabIndex={-1}
        data-open={open}
        onKeyDown={(event) => {
          if (event.key === "Escape" && open && !event.defaultPrevented) close();
        }}
      >
        <button type="button" className="button small sidebar__close" onClick={close}>
          Close<span className="visually-hidden"> comments and people</span>
        </button>
        <PlanSidebarSheet.Provider value={sheet}>{children}</PlanSidebarSheet.Provider>
      </aside>
    </>
  );
}
