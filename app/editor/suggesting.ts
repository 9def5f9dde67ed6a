import { Extension } from "@tiptap/core";
import type { Mark, MarkType, Node as PmNode } from "@tiptap/pm/model";
import { Plugin, PluginKey, TextSelection, type EditorState, type Transaction } from "@tiptap/pm/state";
import { Decoration, DecorationSet, type EditorView } from "@tiptap/pm/view";
import type { AuthorNames } from "~/components/suggestion-authors";
import { setSuggesting, suggestingKey } from "./suggesting-state";
import {
  isSuggestionMark,
  newSuggestionId,
  parseSuggestionId,
  suggestionLabel,
  type SuggestionMarkName,
} from "~/shared/suggestion-marks";

/** Set on the transactions this module makes, which are suggestions already. */
const SUGGESTED = "suggesting$made";

/**
 * Typing as suggestions (decision 0034): while on, what a person types is inserted with an
 * `insertion` mark carrying their id, what they delete is marked `deletion` (their own
 * suggested words are simply taken out again), and what they paste is typed. Anything else that
 * would change the document from this editor (formatting, splitting a paragraph with Enter,
 * dropping, cutting structure) is not sent: the server's suggestion check refuses structural and
 * formatting changes from reviewers today, and a refused update closes the connection.
 * Other people's changes arrive through the collaboration plugin and pass untouched.
 *
 * A small transaction filter rather than prosemirror-suggest-changes' `withSuggestChanges`: that
 * wraps the view's `dispatchTransaction`, which TipTap owns, and makes numeric ids; the marks
 * written here are in its format with our ids, so its commands can read them.
 */
export const Suggesting = Extension.create<{ authorId: string; initiallyOn: boolean; mayToggle: boolean }>({
  name: "suggesting",

  addOptions: () => ({ authorId: "", initiallyOn: false, mayToggle: false }),

  addProseMirrorPlugins() {
    const { authorId, mayToggle } = this.options;
    return [
      new Plugin<boolean>({
        key: suggestingKey,
        state: {
          init: () => this.options.initiallyOn,
          apply: (tr, on) => (tr.getMeta(suggestingKey) as boolean | undefined) ?? on,
        },
        filterTransaction: (tr, state) => {
          if (!tr.docChanged || !suggestingKey.getState(state)) return true;
          if (tr.getMeta(SUGGESTED)) return true;
          const sync = tr.getMeta("y-sync$") as { isChangeOrigin?: boolean } | undefined;
          return Boolean(sync?.isChangeOrigin);
        },
        props: {
          handleTextInput: (view, from, to, text) => on(view) && suggest(view, from, to, text, authorId),
          handlePaste: (view, _event, slice) => {
            if (!on(view)) return false;
            const text = slice.content.textBetween(0, slice.content.size, " ", " ");
            const { from, to } = view.state.selection;
            suggest(view, from, to, text, authorId);
            return true;
          },
          handleDrop: (view) => on(view),
          handleKeyDown: (view, event) => {
            if (mayToggle && isToggleKey(event)) {
              setSuggesting(view, !on(view));
              return true;
            }
            if (!on(view)) return false;
            if (event.key === "Enter") return true;
            if (event.key === "Backspace" || event.key === "Delete") {
              suggestDeletion(view, event.key === "Backspace" ? -1 : 1, authorId);
              return true;
            }
            return false;
          },
        },
      }),
    ];
  },
});

function isToggleKey(event: KeyboardEvent): boolean {
  return (event.ctrlKey || event.metaKey) && event.altKey && event.shiftKey && event.code === "KeyX";
}

function on(view: EditorView): boolean {
  return suggestingKey.getState(view.state) === true;
}

/** Replaces `from`..`to` with `text` as a suggestion, continuing the author's own suggestion beside it. */
function suggest(view: EditorView, from: number, to: number, text: string, authorId: string): boolean {
  const { state } = view;
  const $from = state.doc.resolve(from);
  if (!$from.parent.isTextblock || !$from.sameParent(state.doc.resolve(to))) return true;
  const tr = state.tr.setMeta(SUGGESTED, true);
  const { insertion, deletion } = state.schema.marks as Record<string, MarkType>;
  // A replacement is one suggestion: its deletion and its insertion share the id, as in the library.
  const replacing = from < to ? newSuggestionId(authorId) : undefined;
  let at = markDeleted(tr, from, to, authorId, deletion!, replacing);
  if (text) {
    const before =
      at > tr.doc.resolve(at).start() ? ownMark(tr.doc.resolve(at).nodeBefore, insertion!, authorId) : null;
    const id = replacing ?? (before?.attrs.id as string | undefined) ?? newSuggestionId(authorId);
    const marks = tr.doc
      .resolve(at)
      .marks()
      .filter((mark) => !["insertion", "deletion", "modification"].includes(mark.type.name));
    tr.insert(at, state.schema.text(text, [...marks, insertion!.create({ id })]));
    at += text.length;
  }
  tr.setSelection(TextSelection.create(tr.doc, at)).scrollIntoView();
  view.dispatch(tr);
  return true;
}

/** Backspace or Delete as a suggestion: one character, or the selection, within its paragraph. */
function suggestDeletion(view: EditorView, direction: -1 | 1, authorId: string): void {
  const { state } = view;
  const { selection } = state;
  let { from, to } = selection;
  if (selection.empty) {
    const $at = selection.$from;
    if (direction < 0 ? $at.parentOffset === 0 : $at.parentOffset === $at.parent.content.size) return;
    if (direction < 0) from -= 1;
    else to += 1;
  }
  if (!state.doc.resolve(from).sameParent(state.doc.resolve(to))) return;
  const tr = state.tr.setMeta(SUGGESTED, true);
  const end = markDeleted(tr, from, to, authorId, state.schema.marks.deletion!);
  tr.setSelection(TextSelection.create(tr.doc, direction < 0 ? from : end)).scrollIntoView();
  view.dispatch(tr);
}

/**
 * Marks the text in `from`..`to` as deleted: the author's own suggested insertions go, words
 * already suggested for deletion stay as they are. Returns where `to` is afterwards.
 */
function markDeleted(
  tr: Transaction,
  from: number,
  to: number,
  authorId: string,
  deletion: MarkType,
  givenId?: string,
): number {
  if (from >= to) return to;
  const insertion = tr.doc.type.schema.marks.insertion!;
  const own: [number, number][] = [];
  const plain: [number, number][] = [];
  tr.doc.nodesBetween(from, to, (node, pos) => {
    if (!node.isText) return true;
    const start = Math.max(pos, from);
    const end = Math.min(pos + node.nodeSize, to);
    if (ownMark(node, insertion, authorId)) own.push([start, end]);
    else if (!node.marks.some((mark) => mark.type === deletion || mark.type === insertion)) plain.push([start, end]);
    return false;
  });
  // Backspacing through a word makes one suggestion, not one per character.
  const beside =
    ownMark(tr.doc.resolve(from).nodeBefore, deletion, authorId) ??
    ownMark(tr.doc.resolve(to).nodeAfter, deletion, authorId);
  const id = givenId ?? (beside?.attrs.id as string | undefined) ?? newSuggestionId(authorId);
  for (const [start, end] of plain) tr.addMark(start, end, deletion.create({ id }));
  for (const [start, end] of own.reverse()) tr.delete(start, end);
  return tr.mapping.map(to, -1);
}

function ownMark(node: PmNode | null | undefined, type: MarkType, authorId: string): Mark | null {
  const mark = node?.marks.find((candidate) => candidate.type === type);
  return mark && parseSuggestionId(mark.attrs.id)?.authorId === authorId ? mark : null;
}

const namesKey = new PluginKey<DecorationSet>("suggestionNames");

/**
 * Gives each suggestion in the editor its author's name in its title ("Suggested insertion by
 * Ann Lee, 6 Dec 2026, 07:12 UTC"), as the reading copy does; the marks themselves know only
 * the author's id.
 */
export const SuggestionNames = Extension.create<{ names: () => AuthorNames }>({
  name: "suggestionNames",

  addOptions: () => ({ names: () => ({}) }),

  addProseMirrorPlugins() {
    const names = this.options.names;
    const decorate = (doc: PmNode) => {
      const decorations: Decoration[] = [];
      doc.descendants((node, pos) => {
        if (!node.isText) return true;
        const mark = node.marks.find((candidate) => isSuggestionMark(candidate.type.name));
        const name = mark ? names()[parseSuggestionId(mark.attrs.id)?.authorId ?? ""] : undefined;
        if (mark && name) {
          const title = suggestionLabel(mark.type.name as SuggestionMarkName, mark.attrs.id, name);
          decorations.push(Decoration.inline(pos, pos + node.nodeSize, { title }));
        }
        return false;
      });
      return DecorationSet.create(doc, decorations);
    };
    return [
      new Plugin<DecorationSet>({
        key: namesKey,
        state: {
          init: (_config, state) => decorate(state.doc),
          apply: (tr, set) => (tr.docChanged ? decorate(tr.doc) : set),
        },
        props: { decorations: (state) => namesKey.getState(state) },
      }),
    ];
  },
});

/** What the suggestion at the caret is, for a screen reader's status line: null outside one. */
export function suggestionAtCaret(state: EditorState, names: AuthorNames): string | null {
  const { $from } = state.selection;
  const marks = [...($from.nodeAfter?.marks ?? []), ...($from.nodeBefore?.marks ?? [])];
  const mark = marks.find((candidate) => isSuggestionMark(candidate.type.name));
  if (!mark) return null;
  const name = names[parseSuggestionId(mark.attrs.id)?.authorId ?? ""];
  return suggestionLabel(mark.type.name as SuggestionMarkName, mark.attrs.id, name);
}
