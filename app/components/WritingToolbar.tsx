import { useEditorState, type Editor } from "@tiptap/react";
import { lazy, Suspense, useEffect, useState } from "react";
import { isSuggesting, setSuggesting } from "~/editor/suggesting-state";
import { EDIT_LINK_EVENT } from "./link-editing";
import { isMac, keyLabel, SUGGESTING_KEYS, WRITING_TOOLS } from "./writing-tools";

/** Loaded on first use (Ctrl+K or the Link button), so it is not in the plan page's first JavaScript. */
const LinkEditor = lazy(() => import("./LinkEditor").then((module) => ({ default: module.LinkEditor })));

/** What can be done to the table the caret is in; shown while it is in one. */
const TABLE_TOOLS: { label: string; run: (editor: Editor) => void; active?: (editor: Editor) => boolean }[] = [
  { label: "Row above", run: (e) => e.chain().focus().addRowBefore().run() },
  { label: "Row below", run: (e) => e.chain().focus().addRowAfter().run() },
  { label: "Delete row", run: (e) => e.chain().focus().deleteRow().run() },
  { label: "Column left", run: (e) => e.chain().focus().addColumnBefore().run() },
  { label: "Column right", run: (e) => e.chain().focus().addColumnAfter().run() },
  { label: "Delete column", run: (e) => e.chain().focus().deleteColumn().run() },
  {
    label: "Header row",
    run: (e) => e.chain().focus().toggleHeaderRow().run(),
    active: (e) => e.state.selection.$from.node(-3)?.firstChild?.firstChild?.type.name === "tableHeader",
  },
  { label: "Delete table", run: (e) => e.chain().focus().deleteTable().run() },
];

/**
 * Formatting for a narrative, each button naming its shortcut. Undo and redo are this person's
 * own (the same per-person history as Ctrl+Z). The buttons keep the editor's selection: they
 * act on what is selected and give focus back to the text.
 */
export function WritingToolbar({ editor, title }: { editor: Editor; title: string }) {
  const state = useEditorState({
    editor,
    selector: ({ editor: current }) => ({
      active: WRITING_TOOLS.map((tool) => tool.active?.(current) ?? null),
      inTable: current.isActive("table"),
      headerRow: TABLE_TOOLS.map((tool) => tool.active?.(current) ?? null),
      suggesting: isSuggesting(current.state),
    }),
  });
  const [editingLink, setEditingLink] = useState(false);
  useEffect(() => {
    const dom = editor.view.dom;
    const open = () => setEditingLink(true);
    dom.addEventListener(EDIT_LINK_EVENT, open);
    return () => dom.removeEventListener(EDIT_LINK_EVENT, open);
  }, [editor]);
  return (
    <div className="writing-toolbar-wrap">
      <div className="writing-toolbar" role="toolbar" aria-label={`Formatting: ${title}`}>
        {WRITING_TOOLS.map((tool, i) => (
          <button
            key={tool.label}
            type="button"
            className={`writing-toolbar__button writing-toolbar__button--${tool.label.toLowerCase().replace(/\W+/g, "-")}`}
            title={`${tool.label} (${keyLabel(tool.keys)})`}
            aria-keyshortcuts={tool.keys.replace(/Mod/g, isMac() ? "Meta" : "Control")}
            aria-pressed={state.active[i] === null ? undefined : state.active[i]}
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => tool.run(editor)}
          >
            <span aria-hidden>{tool.icon}</span>
            <span className="visually-hidden">
              {tool.label} ({keyLabel(tool.keys)})
            </span>
          </button>
        ))}
        <button
          type="button"
          role="switch"
          aria-checked={state.suggesting}
          className="writing-toolbar__button writing-toolbar__button--text writing-toolbar__suggesting"
          title={`Suggesting: your changes are suggestions for others to accept (${keyLabel(SUGGESTING_KEYS)})`}
          aria-keyshortcuts={SUGGESTING_KEYS.replace(/Mod/g, isMac() ? "Meta" : "Control")}
          onMouseDown={(event) => event.preventDefault()}
          onClick={() => {
            setSuggesting(editor.view, !state.suggesting);
            editor.commands.focus();
          }}
        >
          Suggesting
        </button>
      </div>
      {state.inTable ? (
        <div className="writing-toolbar writing-toolbar--table" role="toolbar" aria-label={`Table: ${title}`}>
          <span className="writing-toolbar__label" aria-hidden>
            Table:
          </span>
          {TABLE_TOOLS.map((tool, i) => (
            <button
              key={tool.label}
              type="button"
              className="writing-toolbar__button writing-toolbar__button--text"
              aria-pressed={state.headerRow[i] === null ? undefined : state.headerRow[i]}
              onMouseDown={(event) => event.preventDefault()}
              onClick={() => tool.run(editor)}
            >
              {tool.label}
            </button>
          ))}
        </div>
      ) : null}
      {editingLink ? (
        <Suspense fallback={null}>
          <LinkEditor editor={editor} onClose={() => setEditingLink(false)} />
        </Suspense>
      ) : null}
    </div>
  );
}
