import { formatPounds } from "./budget";

/** What a suggestion changes (a `SuggestionView`'s fields). */
export interface SuggestedChange {
  kind: "text" | "cell";
  removed: string | null;
  added: string | null;
  from: string | number | null;
  to: string | number | null;
}

/** How many characters of suggested words a notice or a button's name quotes. */
export const EXCERPT_CHARS = 60;

/**
 * A suggestion's words as one short phrase, for a notice or a button's name: what it puts in
 * for what it takes out ("“fourteen” for “twelve”", "reformat “twelve”"), or a cell's old and
 * new value ("£1,000 → £2,500"). Long words are cut at a word's end, with an ellipsis.
 */
export function changeExcerpt(change: SuggestedChange, max = EXCERPT_CHARS): string {
  if (change.kind === "cell") return `${cellValue(change.from)} → ${cellValue(change.to)}`;
  const added = excerpt(change.added ?? "", max);
  const removed = excerpt(change.removed ?? "", max);
  // The same words out and in are a change of their formatting (decision 0034).
  if (added && added === removed) return `reformat “${added}”`;
  if (added && removed) return `“${added}” for “${removed}”`;
  if (added) return `add “${added}”`;
  if (removed) return `remove “${removed}”`;
  return "";
}

/** A cell's value as people read it: an amount in pounds, nothing as "empty". */
export function cellValue(value: string | number | null): string {
  if (value === null || value === "") return "empty";
  return typeof value === "number" ? formatPounds(value) : excerpt(value, EXCERPT_CHARS);
}

/** The words with their spacing made plain, cut to `max` characters at a word's end. */
export function excerpt(words: string, max: number): string {
  const plain = words.replace(/\s+/g, " ").trim();
  if (plain.length <= max) return plain;
  const cut = plain.slice(0, max - 1);
  const atWord = cut.lastIndexOf(" ");
  return `${(atWord > max / 2 ? cut.slice(0, atWord) : cut).trimEnd()}…`;
}
