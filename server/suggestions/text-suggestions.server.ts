import * as Y from "yjs";
import { Refusal } from "../../app/shared/errors";
import { forEachRun, suggestionKind, suggestionOf, type SuggestionRun } from "../../app/shared/suggestion-runs";

/**
 * Narrative suggestions as they are in the document (decision 0034): runs of a section's text
 * marked `insertion` or `deletion` with the suggestion's id, read, applied and reverted with
 * plain Yjs edits, so the server can decide one without an editor.
 */

/** The suggestion's runs in the section, in document order. */
export function suggestionRuns(doc: Y.Doc, sectionKey: string, id: string): SuggestionRun[] {
  const runs: SuggestionRun[] = [];
  forEachRun(doc, sectionKey, (run, runId) => {
    if (runId === id) runs.push(run);
  });
  return runs;
}

/** The words a suggestion takes out and puts in, as `openTextSuggestions` reads them. */
export function wordsOf(runs: readonly SuggestionRun[]): { removed: string; added: string } {
  return {
    removed: runs
      .filter((run) => run.mark === "deletion")
      .map((run) => run.words)
      .join(""),
    added: runs
      .filter((run) => run.mark === "insertion")
      .map((run) => run.words)
      .join(""),
  };
}

/**
 * Accepting keeps the inserted words and deletes the deleted ones; rejecting (or withdrawing)
 * does the opposite. Runs are changed from the last to the first, so each index still holds.
 */
export function decideRuns(runs: readonly SuggestionRun[], accept: boolean): void {
  for (const run of [...runs].reverse()) {
    const keep = (run.mark === "insertion") === accept;
    if (keep) run.text.format(run.index, run.length, { [run.mark]: null });
    else run.text.delete(run.index, run.length);
  }
}

/**
 * Marks the words between two positions of one text as deleted by the suggestion and puts
 * `words` after them as its insertion, with the formatting of the words it replaces. Refuses a
 * range across paragraphs or over words that already carry a suggestion.
 */
export function suggestReplacement(
  start: { type: Y.AbstractType<unknown>; index: number },
  end: { type: Y.AbstractType<unknown>; index: number },
  words: string,
  id: string,
): { removed: string; added: string } {
  if (!(start.type instanceof Y.XmlText) || start.type !== end.type) {
    throw new Refusal("invalid", "anchor: a suggestion stays within one paragraph");
  }
  const text = start.type;
  const from = Math.min(start.index, end.index);
  const to = Math.max(start.index, end.index);
  let removed = "";
  let formatting: Record<string, unknown> = {};
  let at = 0;
  for (const op of text.toDelta() as { insert: unknown; attributes?: Record<string, unknown> }[]) {
    const length = typeof op.insert === "string" ? op.insert.length : 1;
    const overlaps = at < to && at + length > from;
    const touches = overlaps || (from === to && at < from && at + length >= from);
    if (touches) formatting = withoutSuggestions(op.attributes);
    if (overlaps) {
      if (suggestionOf(op.attributes)) throw new Refusal("conflict", "anchor: those words already carry a suggestion");
      if (typeof op.insert === "string") removed += op.insert.slice(Math.max(0, from - at), to - at);
    }
    at += length;
  }
  if (removed === "" && words === "")
    throw new Refusal("invalid", "text: an empty suggestion at one point changes nothing");
  if (to > from) text.format(from, to - from, { deletion: { id } });
  if (words !== "") text.insert(to, words, { ...formatting, insertion: { id } });
  return { removed, added: words };
}

function withoutSuggestions(attributes: Record<string, unknown> | undefined): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(attributes ?? {})) {
    if (!suggestionKind(key)) kept[key] = value;
  }
  return kept;
}
