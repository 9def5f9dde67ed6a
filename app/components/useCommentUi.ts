import type { Editor } from "@tiptap/react";
import { useCallback, useMemo, useRef, useState } from "react";
import type { HighlightedThread } from "~/editor/comment-highlights";
import type { CommentView } from "~/shared/plan-events";
import type { CommentDraft } from "./CommentsSidebar";

/**
 * What the plan page keeps about comments beyond the threads themselves: the comment being
 * written, the open thread, which threads lost their words, and each section's editor (to read
 * its selection when someone asks to comment).
 */
export function useCommentUi(comments: CommentView[]) {
  const [draft, setDraft] = useState<CommentDraft | null>(null);
  const [activeId, setActiveId] = useState<string | null>(null);
  const [removedBySection, setRemovedBySection] = useState<Record<string, string[]>>({});
  const editors = useRef(new Map<string, Editor>());

  const registerEditor = useCallback((sectionKey: string, editor: Editor | null) => {
    if (editor) editors.current.set(sectionKey, editor);
    else editors.current.delete(sectionKey);
  }, []);

  const onRemovedChange = useCallback((sectionKey: string, removed: string[]) => {
    setRemovedBySection((current) => ({ ...current, [sectionKey]: removed }));
  }, []);

  /**
   * Starts a comment on the section's selected words, or on the whole section if none. Reading
   * a selection needs the editors' code, which is there once an editor is (decision 0044).
   */
  const commentOn = useCallback((sectionKey: string, editor = editors.current.get(sectionKey)) => {
    if (!editor) {
      setDraft({ sectionKey, anchor: null, quote: null });
      return;
    }
    void import("~/editor/comment-anchors").then(({ anchorForSelection }) => {
      const selected = anchorForSelection(editor.state);
      setDraft({ sectionKey, anchor: selected?.anchor ?? null, quote: selected?.quote ?? null });
    });
  }, []);

  const openThreadsBySection = useMemo(() => {
    const counts: Record<string, number> = {};
    for (const comment of comments) {
      if (comment.parentId === null && comment.resolvedAt === null && !comment.deleted) {
        counts[comment.sectionKey] = (counts[comment.sectionKey] ?? 0) + 1;
      }
    }
    return counts;
  }, [comments]);

  const highlightsBySection = useMemo(() => {
    const bySection: Record<string, HighlightedThread[]> = {};
    for (const comment of comments) {
      if (comment.parentId !== null || comment.resolvedAt !== null || comment.deleted || !comment.anchor) continue;
      (bySection[comment.sectionKey] ??= []).push({ id: comment.id, anchor: comment.anchor });
    }
    return bySection;
  }, [comments]);

  /**
   * Whether a thread's words are gone: the section's editor knows best, live; until it has
   * reported, the server's reading when it last sent the comments.
   */
  const isTextRemoved = useCallback(
    (comment: CommentView) => {
      if (!comment.anchor) return false;
      const reported = removedBySection[comment.sectionKey];
      return reported ? reported.includes(comment.id) : comment.anchorStatus === "text-removed";
    },
    [removedBySection],
  );

  return {
    draft,
    endDraft: () => setDraft(null),
    activeId,
    setActiveId,
    isTextRemoved,
    onRemovedChange,
    registerEditor,
    commentOn,
    openThreadsBySection,
    highlightsBySection,
  };
}
