import { wordMatches, type SearchTerm } from "../../app/shared/search-query";

/**
 * Snippets built here from a bounded window, not by FTS5's `snippet()`: that scores every
 * window of the document around every match, so its cost grows with the square of the
 * matches (a section repeating the word 50,000 times took 18 s). Here one scan finds the
 * first match in at most `SNIPPET_SCAN_CHARS` of each text and only the window around it is
 * marked, so a snippet costs the same whatever the section holds. Decision 0027.
 */
export const SNIPPET_SCAN_CHARS = 200_000;
const BEFORE_CHARS = 60;
const AFTER_CHARS = 140;

/**
 * HTML-escaped text around the first match in the first of `texts` that has one (or the
 * start of the first text), each matched word in `<mark>`.
 */
export function buildSnippet(texts: readonly string[], terms: readonly SearchTerm[]): string {
  const roots = [...new Set(terms.flatMap((term) => term.words.map(searchRoot)))];
  for (const text of texts) {
    const scanned = text.slice(0, SNIPPET_SCAN_CHARS);
    const first = firstMatch(scanned, roots);
    if (first !== null) return windowAround(scanned, first, roots);
  }
  return windowAround((texts[0] ?? "").slice(0, SNIPPET_SCAN_CHARS), 0, roots);
}

/**
 * A word's stem, near enough to FTS5's English stemming for marking: "budgets" marks
 * "budget", "families" marks "family" (a match runs on to the end of the word).
 */
function searchRoot(word: string): string {
  const stemmed = word.replace(/(?:ies|es|s|ing|ed|ly)$/, "");
  return stemmed.length >= 3 ? stemmed : word;
}

function firstMatch(text: string, roots: readonly string[]): number | null {
  if (roots.length === 0) return null;
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${roots.map(escapeRegExp).join("|")})`, "iu");
  const match = pattern.exec(text);
  return match ? match.index : null;
}

function windowAround(text: string, at: number, roots: readonly string[]): string {
  let start = Math.max(0, at - BEFORE_CHARS);
  let end = Math.min(text.length, at + AFTER_CHARS);
  // Whole words only, where the window cuts into text.
  if (start > 0) start = Math.min(at, nextSpace(text, start));
  if (end < text.length) end = Math.max(at + 1, lastSpace(text, end));
  const window = text.slice(start, end).replace(/\s+/g, " ");
  let html = start > 0 ? "…" : "";
  let from = 0;
  for (const [matchStart, matchEnd] of wordMatches(window, roots)) {
    html += `${escapeHtml(window.slice(from, matchStart))}<mark>${escapeHtml(window.slice(matchStart, wordEnd(window, matchEnd)))}</mark>`;
    from = wordEnd(window, matchEnd);
  }
  return html + escapeHtml(window.slice(from)) + (end < text.length ? "…" : "");
}

/** A match marks its whole word: "budget" in "budgets" marks "budgets". */
function wordEnd(text: string, from: number): number {
  const rest = /^[\p{L}\p{N}]*/u.exec(text.slice(from, from + 100));
  return from + (rest?.[0].length ?? 0);
}

function nextSpace(text: string, from: number): number {
  const index = text.slice(from, from + 40).search(/\s/);
  return index < 0 ? from : from + index + 1;
}

function lastSpace(text: string, to: number): number {
  const index = text.slice(Math.max(0, to - 40), to).search(/\s\S*$/);
  return index < 0 ? to : Math.max(0, to - 40) + index;
}

function escapeRegExp(word: string): string {
  return word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
