import { useEffect, useRef, useState, type ReactNode } from "react";

type Overflow = { left: boolean; right: boolean };

/**
 * A box that scrolls sideways on its own when its table is wider than the page, so the page
 * itself never does. While columns are hidden it says so: a shadow on the hidden side and a
 * line of text, since a scrollbar alone is easy to miss (and absent on touch screens until
 * touched). It takes keyboard focus, so arrow keys scroll it without a mouse.
 */
export function ScrollBox({ label, className, children }: { label: string; className?: string; children: ReactNode }) {
  const box = useRef<HTMLDivElement>(null);
  const [overflow, setOverflow] = useState<Overflow>({ left: false, right: false });

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const measure = () => {
      const left = element.scrollLeft > 1;
      const right = element.scrollLeft + element.clientWidth < element.scrollWidth - 1;
      setOverflow((old) => (old.left === left && old.right === right ? old : { left, right }));
      // Scrolling stops at a column's edge just right of the frozen first column, never
      // leaving a column half under it ("DCLG" read "LG").
      const frozen = `${Math.round(element.querySelector("tr > :first-child")?.getBoundingClientRect().width ?? 0)}px`;
      if (element.style.getPropertyValue("--frozen-width") !== frozen)
        element.style.setProperty("--frozen-width", frozen);
    };
    // The observer measures once the box is laid out, in the browser's next frame: measuring
    // here would force the whole page's layout in the middle of hydration.
    const resize = new ResizeObserver(measure);
    resize.observe(element);
    if (element.firstElementChild) resize.observe(element.firstElementChild);
    element.addEventListener("scroll", measure, { passive: true });
    return () => {
      resize.disconnect();
      element.removeEventListener("scroll", measure);
    };
  }, []);

  const scrolls = overflow.left || overflow.right;
  return (
    <div
      className={["scroll-box", className].filter(Boolean).join(" ")}
      data-overflow-left={overflow.left || undefined}
      data-overflow-right={overflow.right || undefined}
    >
      {scrolls ? (
        <p className="scroll-box__hint" aria-hidden>
          {overflow.right ? "More columns to the right: scroll sideways →" : "← More columns to the left"}
        </p>
      ) : null}
      <div
        ref={box}
        className="scroll-box__viewport"
        role="region"
        aria-label={label}
        // Focusable only when there is something to scroll (axe: scrollable-region-focusable).
        tabIndex={scrolls ? 0 : undefined}
      >
        {children}
      </div>
    </div>
  );
}
