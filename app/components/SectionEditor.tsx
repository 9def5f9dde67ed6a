import Collaboration from "@tiptap/extension-collaboration";
import CollaborationCaret from "@tiptap/extension-collaboration-caret";
import { Placeholder } from "@tiptap/extensions";
import { EditorContent, useEditor, type Editor } from "@tiptap/react";
import { BubbleMenu } from "@tiptap/react/menus";
import { useContext, useEffect, useRef, useState, type ReactNode } from "react";
import { CommentHighlights, setHighlightedThreads, type HighlightedThread } from "~/editor/comment-highlights";
import { fitPastedHtml } from "~/editor/pasted-html";
import { ReadCaret } from "~/editor/read-caret";
import { SelectionBeforeShortcut } from "~/editor/selection-sync";
import { Suggesting, SuggestionNames, suggestionAtCaret } from "~/editor/suggesting";
import { suggestionHistory } from "~/editor/suggestion-history";
import { sectionFragmentName } from "~/shared/doc-names";
import { richTextExtensions } from "~/shared/editor-extensions";
import type { PlanConnection, PresenceUser } from "./usePlanConnection";
import { narrativeUndoScope, type UndoScopes } from "./usePersonalUndo";
import { requestLinkEditor } from "./link-editing";
import { SuggestionAuthors } from "./suggestion-authors";
import { WritingToolbar } from "./WritingToolbar";

export interface SectionComments {
  threads: HighlightedThread[];
  activeId: string | null;
  /** Set when the user may comment: asks to comment on the editor's selection. */
  onComment?: (editor: Editor) => void;
  onOpenThread: (id: string) => void;
  onRemovedChange: (sectionKey: string, removedIds: string[]) => void;
}

export function SectionEditor({
  sectionKey,
  title,
  connection,
  me,
  editable,
  suggestOnly = false,
  undoScopes,
  comments,
  onEditor,
  reading,
}: {
  sectionKey: string;
  title: string;
  connection: PlanConnection;
  me: PresenceUser;
  editable: boolean;
  /** A reviewer: the words can be changed, and every change is a suggestion (decision 0034). */
  suggestOnly?: boolean;
  undoScopes: UndoScopes;
  comments: SectionComments;
  onEditor: (sectionKey: string, editor: Editor | null) => void;
  /**
   * The section's words as the server read them, shown until the editor is built (a frame or so
   * after this mounts): its view then takes their place in the same commit, already holding the
   * synced text, so the words never leave the screen.
   */
  reading: ReactNode;
}) {
  // The editor is made once per connection; callbacks it holds read the latest props here.
  const latest = useRef(comments);
  latest.current = comments;
  const editorRef = useRef<Editor | null>(null);
  const [leftOutImages, setLeftOutImages] = useState(0);
  const [cannotSuggest, setCannotSuggest] = useState<string | null>(null);
  const names = useRef(useContext(SuggestionAuthors));
  names.current = useContext(SuggestionAuthors);
  const [atSuggestion, setAtSuggestion] = useState<string | null>(null);
  const writable = editable || suggestOnly;
  const editor = useEditor(
    {
      immediatelyRender: false,
      editable: writable,
      onSelectionUpdate: ({ editor: current }) => setAtSuggestion(suggestionAtCaret(current.state, names.current)),
      extensions: [
        ...richTextExtensions,
        Placeholder.configure({
          placeholder: writable ? "Write this section's narrative…" : "Nothing written yet.",
        }),
        Collaboration.configure({ document: connection.doc, field: sectionFragmentName(sectionKey) }),
        // The caret extension publishes this as the awareness `user`, so it must be the whole
        // presence record, not just the caret's name and colour.
        CollaborationCaret.configure({ provider: connection.provider, user: me }),
        ReadCaret,
        SelectionBeforeShortcut,
        Suggesting.configure({
          authorId: me.id,
          initiallyOn: suggestOnly,
          mayToggle: editable,
          onRefused: setCannotSuggest,
        }),
        SuggestionNames.configure({ names: () => names.current }),
        CommentHighlights.configure({
          onOpenThread: (id) => latest.current.onOpenThread(id),
          onRemovedChange: (removed) => latest.current.onRemovedChange(sectionKey, removed),
        }),
      ],
      editorProps: {
        transformPastedHTML: (html) => {
          const fitted = fitPastedHtml(html);
          setLeftOutImages(fitted.images);
          return fitted.html;
        },
        attributes: {
          "aria-label": `${title}: narrative`,
          "aria-multiline": "true",
          role: "textbox",
          class: "rich-text",
          "data-section": sectionKey,
          "data-undo-scope": narrativeUndoScope(sectionKey),
          // A reader reaches the text with Tab and reads it with a caret (see ReadCaret).
          ...(writable ? {} : { tabindex: "0", "aria-readonly": "true" }),
          ...(suggestOnly ? { "aria-description": "Your changes are suggestions for the editors." } : {}),
        },
        handleDOMEvents: {
          // A DOM handler, not handleKeyDown: ProseMirror calls that only in editable views,
          // and the people who comment most (reviewers) read a non-editable one.
          keydown: (view, event) => {
            if (view.editable && (event.ctrlKey || event.metaKey) && !event.altKey && event.code === "KeyK") {
              event.preventDefault();
              if (editorRef.current) requestLinkEditor(editorRef.current);
              return true;
            }
            if (view.editable && (event.ctrlKey || event.metaKey) && event.altKey && event.code === "KeyT") {
              event.preventDefault();
              editorRef.current?.chain().focus().insertTable({ rows: 3, cols: 3, withHeaderRow: true }).run();
              return true;
            }
            const onComment = latest.current.onComment;
            if (!onComment || !(event.altKey && (event.metaKey || event.ctrlKey) && event.code === "KeyM"))
              return false;
            if (view.state.selection.empty || !editorRef.current) return false;
            event.preventDefault();
            onComment(editorRef.current);
            return true;
          },
        },
      },
    },
    [connection, sectionKey, editable, suggestOnly],
  );
  editorRef.current = editor;

  useEffect(() => {
    onEditor(sectionKey, editor);
    return () => onEditor(sectionKey, null);
  }, [editor, sectionKey, onEditor]);

  // The Collaboration extension's undo manager tracks only this person's typing in this
  // section; the page's key handler calls it (see usePersonalUndo).
  useEffect(() => {
    if (!editor || !writable) return;
    return undoScopes.register(
      narrativeUndoScope(sectionKey),
      editable
        ? { undo: () => editor.commands.undo(), redo: () => editor.commands.redo() }
        : {
            // A reviewer's history is of suggestions only, and must stay so (suggestion-history.ts).
            undo: () => suggestionHistory(editor.state, me.id, "undo"),
            redo: () => suggestionHistory(editor.state, me.id, "redo"),
          },
    );
  }, [editor, editable, writable, undoScopes, sectionKey, me.id]);

  const threadsKey = comments.threads
    .map((thread) => `${thread.id}:${thread.anchor.start}:${thread.anchor.end}`)
    .join();
  useEffect(() => {
    if (!editor || editor.isDestroyed) return;
    editor.view.dispatch(setHighlightedThreads(editor.state.tr, latest.current.threads, comments.activeId));
    if (comments.activeId) {
      editor.view.dom
        .querySelector(`[data-comment-id="${CSS.escape(comments.activeId)}"]`)
        ?.scrollIntoView({ block: "center", behavior: "smooth" });
    }
  }, [editor, threadsKey, comments.activeId]);

  if (!editor) return reading;
  return (
    <>
      {editable ? <WritingToolbar editor={editor} title={title} /> : null}
      <EditorContent editor={editor} className="section-editor" />
      <p className="visually-hidden" role="status">
        {atSuggestion ?? ""}
      </p>
      {leftOutImages > 0 ? (
        <p className="paste-notice" role="status">
          {leftOutImages === 1 ? "The pasted image was" : `The ${leftOutImages} pasted images were`} left out: a section
          holds words and tables. Put images in a document of their own and link to it.{" "}
          <button type="button" className="button link small" onClick={() => setLeftOutImages(0)}>
            Dismiss
          </button>
        </p>
      ) : null}
      {cannotSuggest ? (
        <p className="paste-notice" role="status" data-testid="cannot-suggest">
          {cannotSuggest}{" "}
          <button type="button" className="button link small" onClick={() => setCannotSuggest(null)}>
            Dismiss
          </button>
        </p>
      ) : null}
      {comments.onComment ? (
        <BubbleMenu
          editor={editor}
          shouldShow={({ state }) => !state.selection.empty}
          // Below the words: above them it covered the formatting toolbar's buttons.
          options={{ placement: "bottom", offset: 6, flip: false }}
          className="bubble-menu"
        >
          <button type="button" className="button primary small" onClick={() => latest.current.onComment?.(editor)}>
            Comment
          </button>
        </BubbleMenu>
      ) : null}
    </>
  );
}
