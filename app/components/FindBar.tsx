import { useCallback, useEffect, useRef, useState } from "react";
import { highlightWords, parseSearchQuery, phraseMatches, wordMatches } from "~/shared/search-query";
import { showAllSections } from "./useSectionMounting";

/** A match in a narrative (a DOM range) or in a table cell (an input and offsets in its value). */
type Match =
  | { kind: "text"; range: Range; section: string }
  | { kind: "cell"; input: HTMLInputElement | HTMLTextAreaElement; start: number; end: number; section: string };

const HIGHLIGHT = "search-match";
const CURRENT = "search-match-current";
const CELL_CLASS = "search-match-cell";
const CURRENT_CELL_CLASS = "search-match-cell--current";
/** Edits arriving this close together are searched again once. */
const RESCAN_MS = 150;

/** Text an editor shows that is not the plan's: other people's caret labels. */
const NOT_CONTENT = ".collaboration-carets__caret, .collaboration-carets__label";

function sectionOf(node: Node): string {
  const element = node instanceof Element ? node : node.parentElement;
  return element?.closest<HTMLElement>(".plan-section")?.id.replace(/^section-/, "") ?? "";
}

/**
 * The words as a phrase, as a browser's find reads them ("front door" is one match, not two);
 * when the phrase is nowhere (words a search found apart), each word on its own.
 */
function findMatches(root: HTMLElement, words: string[]): Match[] {
  const phrase = matchesOn(root, (text) => phraseMatches(text, words));
  return phrase.length > 0 || words.length < 2 ? phrase : matchesOn(root, (text) => wordMatches(text, words));
}

/** Every match on the page, in reading order: narratives and table cells alike. */
function matchesOn(root: HTMLElement, match: (text: string) => [number, number][]): Match[] {
  const matches: Match[] = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT, {
    acceptNode(node) {
      if (node instanceof Element) {
        if (node.matches(NOT_CONTENT)) return NodeFilter.FILTER_REJECT;
        return node.matches("input, textarea") ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP;
      }
      return node.parentElement?.closest(".ProseMirror") ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT;
    },
  });
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node instanceof HTMLInputElement || node instanceof HTMLTextAreaElement) {
      if (!node.closest(".plan-section") || (node instanceof HTMLInputElement && node.type !== "text")) continue;
      for (const [start, end] of match(node.value)) {
        matches.push({ kind: "cell", input: node, start, end, section: sectionOf(node) });
      }
      continue;
    }
    for (const [start, end] of match(node.textContent ?? "")) {
      const range = document.createRange();
      range.setStart(node, start);
      range.setEnd(node, end);
      matches.push({ kind: "text", range, section: sectionOf(node) });
    }
  }
  return matches;
}

function supportsHighlights(): boolean {
  return typeof CSS !== "undefined" && "highlights" in CSS && typeof Highlight !== "undefined";
}

/**
 * The find-in-plan bar (see FindInPlan): highlights the words in every narrative and table cell
 * and jumps between them (Enter, Shift+Enter). Highlights use the CSS Custom Highlight API, so
 * the editors' documents and DOM are never touched.
 */
export function FindBar({
  query,
  onQuery,
  landOn,
  selectRequest,
  onClose,
}: {
  query: string;
  onQuery: (query: string) => void;
  /** The section a search result named (`?q=` with `#section-`), jumped to once its first match appears. */
  landOn: string | null;
  /** Grows each time someone asks for the bar again: its words are selected, ready to replace. */
  selectRequest: number;
  onClose: () => void;
}) {
  const [matches, setMatches] = useState<Match[]>([]);
  const [current, setCurrent] = useState(-1);
  const input = useRef<HTMLInputElement>(null);
  const pendingSection = useRef(landOn);

  const words = useCallback(() => {
    const parsed = parseSearchQuery(query);
    return "error" in parsed ? [] : highlightWords(parsed.terms);
  }, [query]);

  // Search again as the plan changes (others typing, editors loading).
  useEffect(() => {
    const root = document.querySelector<HTMLElement>("main.plan");
    if (!root) return;
    // The bar searches what the page shows, so every section must be on it.
    showAllSections();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const scan = () => setMatches(findMatches(root, words()));
    scan();
    const rescan = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(scan, RESCAN_MS);
    };
    const observer = new MutationObserver(rescan);
    observer.observe(root, { subtree: true, childList: true, characterData: true });
    root.addEventListener("input", rescan);
    return () => {
      if (timer) clearTimeout(timer);
      observer.disconnect();
      root.removeEventListener("input", rescan);
    };
  }, [words]);

  // Keep the current match where it was when the list is found again.
  useEffect(() => {
    setCurrent((index) => (matches.length === 0 ? -1 : Math.min(Math.max(index, 0), matches.length - 1)));
    const wanted = pendingSection.current;
    if (wanted !== null) {
      const first = matches.findIndex((match) => wanted === "" || match.section === wanted);
      if (first >= 0) {
        pendingSection.current = null;
        setCurrent(first);
        reveal(matches[first]!);
      }
    }
  }, [matches]);

  // Paint the highlights.
  useEffect(() => {
    const cells = document.querySelectorAll(`.${CELL_CLASS}`);
    cells.forEach((cell) => cell.classList.remove(CELL_CLASS, CURRENT_CELL_CLASS));
    const ranges = matches.filter((match) => match.kind === "text").map((match) => match.range);
    for (const match of matches) if (match.kind === "cell") match.input.classList.add(CELL_CLASS);
    const active = matches[current];
    if (active?.kind === "cell") active.input.classList.add(CURRENT_CELL_CLASS);
    if (supportsHighlights()) {
      CSS.highlights.set(HIGHLIGHT, new Highlight(...ranges));
      if (active?.kind === "text") CSS.highlights.set(CURRENT, new Highlight(active.range));
      else CSS.highlights.delete(CURRENT);
    }
    return () => {
      if (supportsHighlights()) {
        CSS.highlights.delete(HIGHLIGHT);
        CSS.highlights.delete(CURRENT);
      }
    };
  }, [matches, current]);

  const move = (step: 1 | -1) => {
    // An editor that has just rendered its text replaced the nodes a match pointed into, and the
    // next scan is up to RESCAN_MS away: a stale match would not scroll anywhere.
    const root = document.querySelector<HTMLElement>("main.plan");
    const fresh = matches.every(isConnected) || !root ? matches : findMatches(root, words());
    if (fresh !== matches) setMatches(fresh);
    if (fresh.length === 0) return;
    const next = (Math.min(current, fresh.length - 1) + step + fresh.length) % fresh.length;
    setCurrent(next);
    reveal(fresh[next]!);
  };

  useEffect(() => {
    if (selectRequest > 0) input.current?.select();
  }, [selectRequest]);

  return (
    <div className="find-in-plan" role="search" aria-label="Find in this plan" data-testid="find-in-plan">
      <label htmlFor="find-in-plan-q" className="visually-hidden">
        Find in this plan
      </label>
      <input
        id="find-in-plan-q"
        ref={input}
        type="search"
        value={query}
        placeholder="Find in this plan"
        maxLength={200}
        autoFocus={landOn === null}
        onChange={(event) => onQuery(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Enter") {
            event.preventDefault();
            move(event.shiftKey ? -1 : 1);
          } else if (event.key === "Escape") {
            onClose();
          }
        }}
      />
      <span className="find-in-plan__count" role="status" aria-live="polite" data-testid="find-count">
        {matches.length === 0 ? (query.trim() ? "No matches" : "") : `${current + 1} of ${matches.length}`}
      </span>
      <button type="button" className="button small" onClick={() => move(-1)} disabled={matches.length === 0}>
        Previous
      </button>
      <button type="button" className="button small" onClick={() => move(1)} disabled={matches.length === 0}>
        Next
      </button>
      <button type="button" className="button small" onClick={onClose}>
        Close
      </button>
    </div>
  );
}

function isConnected(match: Match): boolean {
  return match.kind === "text" ? match.range.startContainer.isConnected : match.input.isConnected;
}

/** Brings a match into view; a cell's words are selected so they show inside the input. */
function reveal(match: Match): void {
  if (match.kind === "text") {
    match.range.startContainer.parentElement?.scrollIntoView({ block: "center" });
  } else {
    match.input.scrollIntoView({ block: "center" });
    match.input.setSelectionRange(match.start, match.end);
  }
}
