import { Link } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import type { PlanSignoffView } from "~/shared/plan-events";
import { SECTION_KIND_LABEL } from "~/shared/structured-fields";
import type { PlanOutline } from "./PlanWorkspace";
import { SignoffBadge } from "./SignoffPanel";
import { showSection } from "./useSectionMounting";

/**
 * The list of sections beside the plan (a menu on a narrow screen), with their sign-off, open
 * threads and open suggestions.
 */
export function PlanNavigator({
  plan,
  signoffs,
  openThreadsBySection,
  openSuggestionsBySection,
}: {
  plan: PlanOutline;
  signoffs: PlanSignoffView;
  openThreadsBySection: Record<string, number>;
  openSuggestionsBySection: Record<string, number>;
}) {
  const [menuOpen, setMenuOpen] = useState(false);
  const nav = useRef<HTMLElement>(null);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!(event.altKey && event.shiftKey && event.code === "KeyS")) return;
      event.preventDefault();
      setMenuOpen(true);
      // On a narrow screen the list is behind its menu button: it is shown on the next frame.
      requestAnimationFrame(() => {
        const current = nav.current?.querySelector<HTMLElement>(`a[href="${CSS.escape(location.hash)}"]`);
        (current ?? nav.current?.querySelector<HTMLElement>("a"))?.focus();
      });
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  return (
    <nav ref={nav} className={`navigator${menuOpen ? " navigator--open" : ""}`} aria-label="Sections">
      <button
        type="button"
        className="button small navigator__toggle"
        aria-expanded={menuOpen}
        aria-controls="section-list"
        onClick={() => setMenuOpen((open) => !open)}
      >
        <span aria-hidden>☰</span> Sections
      </button>
      <p className="navigator__area">{plan.area}</p>
      <ol id="section-list">
        {plan.sections.map((section, index) => (
          <li key={section.key}>
            {/* A router link, not a plain anchor: a hash change the browser makes itself comes back
                to the router as a "pop", and its scroll restoration put every later jump back
                where the first one had been. */}
            <Link
              to={`#section-${section.key}`}
              onClick={() => {
                setMenuOpen(false);
                showSection(section.key);
                focusSection(section.key);
              }}
            >
              <span className="navigator__number">{index + 1}</span>
              <span>
                {section.title}
                {section.kind !== "text" ? (
                  <span className="navigator__kind">{SECTION_KIND_LABEL[section.kind]}</span>
                ) : null}
              </span>
              <span className="navigator__badges">
                <SignoffBadge state={signoffs.sections[section.key]!.state} sectionKey={section.key} compact />
                <OpenThreads count={openThreadsBySection[section.key] ?? 0} sectionKey={section.key} />
                <OpenSuggestions count={openSuggestionsBySection[section.key] ?? 0} sectionKey={section.key} />
              </span>
            </Link>
          </li>
        ))}
      </ol>
    </nav>
  );
}

function OpenThreads({ count, sectionKey }: { count: number; sectionKey: string }) {
  if (count === 0) return null;
  return (
    <span
      className="thread-count"
      data-testid="open-thread-count"
      data-section={sectionKey}
      title={`${count} open comment threads`}
    >
      {count}
      <span className="visually-hidden"> open comment {count === 1 ? "thread" : "threads"}</span>
    </span>
  );
}

function OpenSuggestions({ count, sectionKey }: { count: number; sectionKey: string }) {
  if (count === 0) return null;
  const words = `open ${count === 1 ? "suggestion" : "suggestions"}`;
  return (
    <span
      className="suggestion-count"
      data-testid="open-suggestion-count"
      data-section={sectionKey}
      title={`${count} ${words}`}
    >
      <span aria-hidden>✎</span>
      {count}
      <span className="visually-hidden"> {words}</span>
    </span>
  );
}

/**
 * Moving to a section moves focus into it, so the next key types there (or, for a reader,
 * reads there) rather than going on down the section list. The section's editor may still be
 * on its way (it is asked for here, see useSectionMounting), so this waits for it, up to two seconds.
 */
function focusSection(sectionKey: string, framesLeft = 120): void {
  const section = document.getElementById(`section-${sectionKey}`);
  // The section's first place to type, in page order: a structured section's first cell comes
  // before its narrative, and focusing a narrative below the screen made the editor scroll to it.
  const editor = section?.querySelector<HTMLElement>(
    ".structured input:not([readonly]), .structured select, .structured textarea, .ProseMirror",
  );
  if (editor) editor.focus({ preventScroll: true });
  else if (framesLeft > 0) requestAnimationFrame(() => focusSection(sectionKey, framesLeft - 1));
  else section?.focus({ preventScroll: true });
}
