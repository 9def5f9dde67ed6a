import * as Y from "yjs";
import { sectionFragmentName } from "./doc-names";

/**
 * Reading narrative suggestions out of the document (decision 0034): runs of a section's text
 * marked `insertion` or `deletion` with the suggestion's id. Shared by the server, which decides
 * them, and the page, which lists them in the order they stand in the plan.
 */

export type SuggestionRun = {
  text: Y.XmlText;
  index: number;
  length: number;
  mark: "insertion" | "deletion";
  words: string;
};

export interface OpenTextSuggestion {
  id: string;
  sectionKey: string;
  removed: string;
  added: string;
}

/** Every open narrative suggestion of the sections, by id, with its words. */
export function openTextSuggestions(doc: Y.Doc, sectionKeys: readonly string[]): Map<string, OpenTextSuggestion> {
  const found = new Map<string, OpenTextSuggestion>();
  for (const sectionKey of sectionKeys) {
    forEachRun(doc, sectionKey, (run, id) => {
      const entry = found.get(id) ?? { id, sectionKey, removed: "", added: "" };
      if (run.mark === "insertion") entry.added += run.words;
      else entry.removed += run.words;
      found.set(id, entry);
    });
  }
  return found;
}

export function suggestionKind(key: string): "insertion" | "deletion" | "modification" | null {
  const name = key.split("--")[0];
  return name === "insertion" || name === "deletion" || name === "modification" ? name : null;
}

export function suggestionOf(attributes: Record<string, unknown> | undefined): { mark: string; id: string } | null {
  for (const [key, value] of Object.entries(attributes ?? {})) {
    const mark = suggestionKind(key);
    if (!mark || value === null || typeof value !== "object") continue;
    const id = (value as { id?: unknown }).id;
    if (typeof id === "string") return { mark, id };
  }
  return null;
}

/** Calls `visit` for every run of the section's narrative marked as a suggestion's insertion or deletion. */
export function forEachRun(doc: Y.Doc, sectionKey: string, visit: (run: SuggestionRun, id: string) => void): void {
  const stack: (Y.XmlElement | Y.XmlText | Y.XmlHook)[] = doc
    .getXmlFragment(sectionFragmentName(sectionKey))
    .toArray()
    .reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node instanceof Y.XmlElement) {
      stack.push(...node.toArray().reverse());
      continue;
    }
    if (!(node instanceof Y.XmlText)) continue;
    let index = 0;
    for (const op of node.toDelta() as { insert: unknown; attributes?: Record<string, unknown> }[]) {
      const length = typeof op.insert === "string" ? op.insert.length : 1;
      const suggestion = suggestionOf(op.attributes);
      if (suggestion && suggestion.mark !== "modification" && typeof op.insert === "string") {
        visit(
          { text: node, index, length, mark: suggestion.mark as "insertion" | "deletion", words: op.insert },
          suggestion.id,
        );
      }
      index += length;
    }
  }
}
