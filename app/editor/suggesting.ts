import { Extension } from "@tiptap/core";
import type { Mark, MarkType, Node as PmNode } from "@tiptap/pm/model";
import { Plugin, PluginKey, TextSelection, type EditorState, type Transaction } from "@tiptap/pm/state";
import { AddMarkStep, RemoveMarkStep, ReplaceStep } from "@tiptap/pm/transform";
import { Decoration, DecorationSet, type EditorView } from "@tiptap/pm/view";
import type { AuthorNames } from "~/components/suggestion-authors";
import { isSuggesting, setSuggesting, suggestingKey } from "./suggesting-state";
import {
  isSuggestionMark,
  newSuggestionId,
  parseSuggestionId,
  suggestionLabel,
  type SuggestionMarkName,
} from "~/shared/suggestion-marks";

/** Set on the transactions this module makes, which are suggestions already. */
const SUGGESTED = "suggesting$made";

/** Shown (politely announced) when a change cannot be a suggestion and so is not made. */
export const CANNOT_SUGGEST = {
  structure:
    "While suggesting, only changes to words (typing, deleting, pasting, formatting) can be suggested: for paragraphs, headings, lists and tables, add a comment instead.",
  drop: "While suggesting, words can't be moved by dragging: delete them, then type or paste them where they go.",
} as const;

/**
 * Typing as suggestions (decision 0034): while on, what a person types is inserted with an
 * `insertion` mark carrying their id, what they delete or cut is marked `deletion` (their own
 * suggested words are simply taken out again), what they paste is typed, and formatting words
 * (bold, italic, a link…) marks them deleted and puts a formatted copy after them, one
 * suggestion, as the library does. Anything else that would change the document from this
 * editor (splitting a paragraph with Enter, headings, lists, tables, dropping) is not sent, and
 * `onRefused` says so: the server's suggestion check refuses structural changes from reviewers
 * today, and a refused update closes the connection. Other people's changes arrive through the
 * collaboration plugin and pass untouched.
 *
 * A transaction filter and TipTap's extension `dispatchTransaction` rather than
 * prosemirror-suggest-changes' `withSuggestChanges`: that wraps the view's `dispatchTransaction`,
 * which TipTap owns, and makes numeric ids; the marks written here are in its format with our
 * ids, so its commands can read them.
 */
export const Suggesting = Extension.create<{
  authorId: string;
  initiallyOn: boolean;
  mayToggle: boolean;
  onRefused: (message: string) => void;
}>({
  name: "suggesting",

  addOptions: () => ({ authorId: "", initiallyOn: false, mayToggle: false, onRefused: () => {} }),

  dispatchTransaction({ transaction, next }) {
    const state = this.editor.state;
    if (!transaction.docChanged || !isSuggesting(state) || transaction.getMeta(SUGGESTED) || fromOthers(transaction)) {
      next(transaction);
      return;
    }
    const { authorId, onRefused } = this.options;
    const made =
      transaction.getMeta("uiEvent") === "cut"
        ? deletionAsSuggestion(state, state.selection.from, state.selection.to, authorId)
        : (formattingAsSuggestion(state, transaction, authorId) ?? wordsAsSuggestion(state, transaction, authorId));
    if (made) next(made);
    else {
      onRefused(transaction.getMeta("uiEvent") === "drop" ? CANNOT_SUGGEST.drop : CANNOT_SUGGEST.structure);
      // The filter drops it; passing it on keeps the one place that decides.
      next(transaction);
    }
  },

  addProseMirrorPlugins() {
    const { authorId, mayToggle, onRefused } = this.options;
    return [
      new Plugin<boolean>({
        key: suggestingKey,
        state: {
          init: () => this.options.initiallyOn,
          apply: (tr, on) => (tr.getMeta(suggestingKey) as boolean | undefined) ?? on,
        },
        filterTransaction: (tr, state) =>
          !tr.docChanged || !isSuggesting(state) || Boolean(tr.getMeta(SUGGESTED)) || fromOthers(tr),
        props: {
          handleTextInput: (view, from, to, text) => on(view) && suggest(view, from, to, text, authorId),
          handlePaste: (view, _event, slice) => {
            if (!on(view)) return false;
            const text = slice.content.textBetween(0, slice.content.size, " ", " ");
            const { from, to } = view.state.selection;
            suggest(view, from, to, text, authorId);
            return true;
          },
          handleDrop: (view) => {
            if (!on(view)) return false;
            onRefused(CANNOT_SUGGEST.drop);
            return true;
          },
          handleKeyDown: (view, event) => {
            if (mayToggle && isToggleKey(event)) {
              setSuggesting(view, !on(view));
              return true;
            }
            if (!on(view)) return false;
            if (event.key === "Enter") {
              onRefused(CANNOT_SUGGEST.structure);
              return true;
            }
            if (event.key === "Backspace" || event.key === "Delete") {
              if (!suggestDeletion(view, event.key === "Backspace" ? -1 : 1, authorId))
                onRefused(CANNOT_SUGGEST.structure);
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
  return isSuggesting(view.state);
}

/** Others' edits and this person's undo, which reach the editor from the shared document. */
function fromOthers(tr: Transaction): boolean {
  const sync = tr.getMeta("y-sync$") as { isChangeOrigin?: boolean } | undefined;
  return Boolean(sync?.isChangeOrigin);
}

function suggest(view: EditorView, from: number, to: number, text: string, authorId: string): boolean {
  const tr = textAsSuggestion(view.state, from, to, text, authorId);
  if (tr) view.dispatch(tr);
  return true;
}

/**
 * Replaces `from`..`to` with `text` as a suggestion, continuing the author's own suggestion
 * beside it; the text takes `marks` if given, else the marks set for the next typing (Ctrl+B
 * with nothing selected) or those of the words before it. Null across paragraphs.
 */
export function textAsSuggestion(
  state: EditorState,
  from: number,
  to: number,
  text: string,
  authorId: string,
  marks?: readonly Mark[],
): Transaction | null {
  const $from = state.doc.resolve(from);
  if (!$from.parent.isTextblock || !$from.sameParent(state.doc.resolve(to))) return null;
  const tr = state.tr.setMeta(SUGGESTED, true);
  const { insertion, deletion } = state.schema.marks as Record<string, MarkType>;
  // A replacement is one suggestion: its deletion and its insertion share the id, as in the library.
  const replacing = from < to ? newSuggestionId(authorId) : undefined;
  let at = markDeleted(tr, from, to, authorId, deletion!, replacing);
  if (text) {
    const before =
      at > tr.doc.resolve(at).start() ? ownMark(tr.doc.resolve(at).nodeBefore, insertion!, authorId) : null;
    const id = replacing ?? (before?.attrs.id as string | undefined) ?? newSuggestionId(authorId);
    const formatting = formattingOf(marks ?? state.storedMarks ?? tr.doc.resolve(at).marks());
    tr.insert(at, state.schema.text(text, insertion!.create({ id }).addToSet(formatting)));
    at += text.length;
  }
  tr.setSelection(TextSelection.create(tr.doc, at)).scrollIntoView();
  return tr;
}

/**
 * A command that puts formatted words in place of others within a paragraph (the link editor's
 * new words for a link) made a suggestion of those words. Null for anything else.
 */
export function wordsAsSuggestion(state: EditorState, tr: Transaction, authorId: string): Transaction | null {
  const [step] = tr.steps;
  if (tr.steps.length !== 1 || !(step instanceof ReplaceStep) || !tr.before.eq(state.doc)) return null;
  const { content, openStart, openEnd } = step.slice;
  const words = content.firstChild;
  if (content.childCount !== 1 || !words?.isText || openStart > 0 || openEnd > 0) return null;
  return textAsSuggestion(state, step.from, step.to, words.text!, authorId, words.marks);
}

/**
 * Backspace or Delete as a suggestion: one character, or the selection, within its paragraph.
 * False when it would join paragraphs or cross them, which a suggestion cannot do yet.
 */
function suggestDeletion(view: EditorView, direction: -1 | 1, authorId: string): boolean {
  const { state } = view;
  const { selection } = state;
  let { from, to } = selection;
  if (selection.empty) {
    const $at = selection.$from;
    if (direction < 0 ? $at.parentOffset === 0 : $at.parentOffset === $at.parent.content.size) return false;
    if (direction < 0) from -= 1;
    else to += 1;
  }
  const tr = deletionAsSuggestion(state, from, to, authorId);
  if (!tr) return false;
  if (direction < 0) tr.setSelection(TextSelection.create(tr.doc, from)).scrollIntoView();
  view.dispatch(tr);
  return true;
}

/** `from`..`to` (within one paragraph) marked deleted, the caret after it. Null across paragraphs. */
export function deletionAsSuggestion(
  state: EditorState,
  from: number,
  to: number,
  authorId: string,
): Transaction | null {
  if (from >= to || !state.doc.resolve(from).sameParent(state.doc.resolve(to))) return null;
  const tr = state.tr.setMeta(SUGGESTED, true);
  const end = markDeleted(tr, from, to, authorId, state.schema.marks.deletion!);
  return tr.setSelection(TextSelection.create(tr.doc, end)).scrollIntoView();
}

/** A change of words' formatting: the pieces of text whose marks it changes, before and after. */
interface Piece {
  from: number;
  to: number;
  before: PmNode;
  after: PmNode;
}

/**
 * A formatting change (marks added or taken off words: bold, italic, a link) made a suggestion,
 * as prosemirror-suggest-changes makes one: accepted words it formats are marked deleted and a
 * formatted copy is inserted right after them, all with one id, so accepting it leaves the
 * formatted words and rejecting it the words as they were. Words that are the author's own
 * suggested insertion are simply formatted; words already in someone's suggestion, or marked
 * deleted, are left as they are. The copy is selected, so the next format applies to it. Null
 * when `tr` is not a formatting change alone.
 */
export function formattingAsSuggestion(state: EditorState, tr: Transaction, authorId: string): Transaction | null {
  if (
    !tr.before.eq(state.doc) ||
    tr.steps.length === 0 ||
    !tr.steps.every((step) => step instanceof AddMarkStep || step instanceof RemoveMarkStep)
  )
    return null;
  // Mark steps move nothing, so a position means the same place before and after them.
  const steps = tr.steps as (AddMarkStep | RemoveMarkStep)[];
  const from = Math.min(...steps.map((step) => step.from));
  const to = Math.max(...steps.map((step) => step.to));
  const { insertion, deletion } = state.schema.marks as Record<string, MarkType>;
  const own: Piece[] = [];
  const plain: Piece[][] = [];
  state.doc.nodesBetween(from, to, (before, beforeAt) => {
    if (!before.isText) return true;
    tr.doc.nodesBetween(Math.max(beforeAt, from), Math.min(beforeAt + before.nodeSize, to), (after, afterAt) => {
      if (!after.isText) return true;
      const piece = {
        from: Math.max(beforeAt, afterAt, from),
        to: Math.min(beforeAt + before.nodeSize, afterAt + after.nodeSize, to),
        before,
        after,
      };
      if (piece.from >= piece.to || sameFormatting(before, after)) return false;
      if (ownMark(before, insertion!, authorId)) own.push(piece);
      else if (!before.marks.some((mark) => isSuggestionMark(mark.type.name))) {
        const run = plain.at(-1);
        if (run && run.at(-1)!.to === piece.from) run.push(piece);
        else plain.push([piece]);
      }
      return false;
    });
    return false;
  });
  const made = state.tr.setMeta(SUGGESTED, true);
  // Own words first: formatting them moves nothing, and the copies below are then put in order.
  for (const piece of own) {
    for (const mark of formattingOf(piece.before.marks)) {
      if (!mark.isInSet(piece.after.marks)) made.removeMark(piece.from, piece.to, mark);
    }
    for (const mark of formattingOf(piece.after.marks)) {
      if (!mark.isInSet(piece.before.marks)) made.addMark(piece.from, piece.to, mark);
    }
  }
  const id = newSuggestionId(authorId);
  for (const run of [...plain].reverse()) {
    const start = run[0]!.from;
    const end = run.at(-1)!.to;
    made.addMark(start, end, deletion!.create({ id }));
    const copy = run.map((piece) =>
      state.schema.text(
        state.doc.textBetween(piece.from, piece.to),
        insertion!.create({ id }).addToSet(formattingOf(piece.after.marks)),
      ),
    );
    made.insert(end, copy);
  }
  const changed = [...own, ...plain.flat()].sort((a, b) => a.from - b.from);
  if (changed.length > 0) {
    const first = changed[0]!;
    const last = changed.at(-1)!;
    // A plain run's copy starts where the run ends.
    const start = own.includes(first) ? first.from : plain.find((run) => run.includes(first))!.at(-1)!.to;
    made.setSelection(TextSelection.create(made.doc, made.mapping.map(start, -1), made.mapping.map(last.to, 1)));
  }
  return made;
}

/** A node's marks other than suggestions. */
function formattingOf(marks: readonly Mark[]): readonly Mark[] {
  return marks.filter((mark) => !isSuggestionMark(mark.type.name));
}

function sameFormatting(a: PmNode, b: PmNode): boolean {
  return markSetEq(formattingOf(a.marks), formattingOf(b.marks));
}

function markSetEq(a: readonly Mark[], b: readonly Mark[]): boolean {
  return a.length === b.length && a.every((mark) => mark.isInSet(b));
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
