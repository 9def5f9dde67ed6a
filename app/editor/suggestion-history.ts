import type { EditorState } from "@tiptap/pm/state";
import { yUndoPluginKey } from "@tiptap/y-tiptap";
import * as Y from "yjs";
import { parseSuggestionId } from "~/shared/suggestion-marks";

/**
 * A reviewer's undo and redo (decision 0043): their own suggestion typing is taken back and put
 * again, as an editor's typing is. A step is only run while every word it would take out is
 * still the reviewer's own suggested insertion: once someone has accepted it, taking it out
 * would be a plain deletion, which the server refuses whole (closing the connection). Then the
 * reviewer's history is cleared instead, and the key does nothing.
 */
export function suggestionHistory(state: EditorState, authorId: string, command: "undo" | "redo"): void {
  const manager = (yUndoPluginKey.getState(state) as { undoManager?: Y.UndoManager } | undefined)?.undoManager;
  if (!manager) return;
  const step = (command === "undo" ? manager.undoStack : manager.redoStack).at(-1);
  if (!step) return;
  if (!onlyOwnInsertions(manager.scope, step.insertions as Inserted, authorId)) {
    manager.clear();
    return;
  }
  if (command === "undo") manager.undo();
  else manager.redo();
}

/** The items an undo step made (Yjs keeps them as a delete set, which it does not export as a type). */
type Inserted = Parameters<typeof Y.isDeleted>[0];

/** Whether every live text item in `inserted` still carries an `insertion` mark by `authorId`. */
function onlyOwnInsertions(scope: readonly (Y.Doc | Y.AbstractType<unknown>)[], inserted: Inserted, authorId: string) {
  const stack = scope.filter((type): type is Y.AbstractType<unknown> => !(type instanceof Y.Doc));
  while (stack.length > 0) {
    const type = stack.pop()!;
    if (type instanceof Y.XmlText) {
      if (!textIsOwn(type, inserted, authorId)) return false;
    } else if (type instanceof Y.XmlElement || type instanceof Y.XmlFragment) {
      stack.push(...(type.toArray() as Y.AbstractType<unknown>[]));
    }
  }
  return true;
}

/** Walks the text's items as `toDelta` does, with the formatting in force at each. */
function textIsOwn(text: Y.XmlText, inserted: Inserted, authorId: string): boolean {
  const attributes = new Map<string, unknown>();
  for (let item = text._start; item !== null; item = item.right) {
    if (item.deleted) continue;
    if (item.content instanceof Y.ContentFormat) {
      if (item.content.value === null) attributes.delete(item.content.key);
      else attributes.set(item.content.key, item.content.value);
    } else if (Y.isDeleted(inserted, item.id) && !ownInsertion(attributes, authorId)) return false;
  }
  return true;
}

function ownInsertion(attributes: Map<string, unknown>, authorId: string): boolean {
  for (const [key, value] of attributes) {
    if (key.split("--")[0] !== "insertion" || value === null || typeof value !== "object") continue;
    if (parseSuggestionId((value as { id?: unknown }).id)?.authorId === authorId) return true;
  }
  return false;
}
