import { Extension } from "@tiptap/core";
import { Plugin, PluginKey, type EditorState, type Transaction } from "@tiptap/pm/state";
import { Decoration, DecorationSet } from "@tiptap/pm/view";
import { ySyncPluginKey } from "@tiptap/y-tiptap";
import { anchorRange } from "./comment-anchors";
import type { CommentAnchor } from "../shared/comment-input";

export interface HighlightedThread {
  id: string;
  anchor: CommentAnchor;
}

interface HighlightState {
  threads: HighlightedThread[];
  activeId: string | null;
  decorations: DecorationSet;
  /** Threads whose words are no longer in the text. */
  removed: string[];
}

export const commentHighlightsKey = new PluginKey<HighlightState>("commentHighlights");

/** Tells the editor which threads to highlight and which one is open. */
export function setHighlightedThreads(
  tr: Transaction,
  threads: HighlightedThread[],
  activeId: string | null,
): Transaction {
  return tr.setMeta(commentHighlightsKey, { threads, activeId });
}

export interface CommentHighlightsOptions {
  onOpenThread: (id: string) => void;
  onRemovedChange: (removedIds: string[]) => void;
}

/**
 * Highlights commented words. Anchors are placed from their Yjs positions whenever the threads
 * or remote edits change; local edits just map the highlights, because the binding's mapping
 * only catches up with a local edit after it is applied.
 */
export const CommentHighlights = Extension.create<CommentHighlightsOptions>({
  name: "commentHighlights",

  addOptions() {
    return { onOpenThread: () => {}, onRemovedChange: () => {} };
  },

  addProseMirrorPlugins() {
    const options = this.options;
    return [
      new Plugin<HighlightState>({
        key: commentHighlightsKey,
        state: {
          init: () => ({ threads: [], activeId: null, decorations: DecorationSet.empty, removed: [] }),
          apply(tr, value, _old, state) {
            const meta = tr.getMeta(commentHighlightsKey) as Pick<HighlightState, "threads" | "activeId"> | undefined;
            const remote = tr.getMeta(ySyncPluginKey) !== undefined;
            if (meta) return place(state, meta.threads, meta.activeId);
            if (remote && tr.docChanged) return place(state, value.threads, value.activeId);
            if (!tr.docChanged) return value;
            const decorations = value.decorations.map(tr.mapping, tr.doc);
            const placed = new Set(decorations.find().map((decoration) => decoration.spec.threadId as string));
            const removed = value.threads.filter((thread) => !placed.has(thread.id)).map((thread) => thread.id);
            return { ...value, decorations, removed };
          },
        },
        props: {
          decorations: (state) => commentHighlightsKey.getState(state)?.decorations,
          handleClick(view, pos) {
            const found = commentHighlightsKey.getState(view.state)?.decorations.find(pos, pos) ?? [];
            const id = found[0]?.spec.threadId as string | undefined;
            if (id) options.onOpenThread(id);
            return false;
          },
        },
        view: () => {
          let reported = "";
          return {
            update(view) {
              const removed = commentHighlightsKey.getState(view.state)?.removed ?? [];
              const key = removed.join();
              if (key !== reported) {
                reported = key;
                options.onRemovedChange(removed);
              }
            },
          };
        },
      }),
    ];
  },
});

function place(state: EditorState, threads: HighlightedThread[], activeId: string | null): HighlightState {
  const decorations: Decoration[] = [];
  const removed: string[] = [];
  for (const thread of threads) {
    const range = anchorRange(state, thread.anchor);
    if (!range) {
      removed.push(thread.id);
      continue;
    }
    decorations.push(
      Decoration.inline(
        range.from,
        range.to,
        {
          class: thread.id === activeId ? "comment-highlight comment-highlight--active" : "comment-highlight",
          "data-comment-id": thread.id,
        },
        { threadId: thread.id },
      ),
    );
  }
  return { threads, activeId, decorations: DecorationSet.create(state.doc, decorations), removed };
}
