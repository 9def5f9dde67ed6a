import { Extension } from "@tiptap/core";
import { Plugin, PluginKey, TextSelection } from "@tiptap/pm/state";
import type { EditorView } from "@tiptap/pm/view";

/** Keys ProseMirror acts on itself, with the selection it holds, rather than leaving to the browser. */
const ACTED_ON = new Set(["Backspace", "Delete", "Enter", "Tab"]);

/**
 * ProseMirror learns that the browser moved the selection from `selectionchange`, an event the
 * browser sends a moment after the key that moved it. Keys pressed faster than that (Shift+Arrow
 * ten times, then Ctrl+B) reach ProseMirror's shortcuts while it still holds the selection of
 * some presses before, so Ctrl+B bolded 9 of the 10 characters the reader saw selected, and then
 * drew that shorter selection back. Before a key ProseMirror acts on itself, this reads the
 * selection the page shows into the editor, so the shortcut acts on what the reader sees.
 */
export const SelectionBeforeShortcut = Extension.create({
  name: "selectionBeforeShortcut",
  // Ahead of every keymap, so they all see the selection read here.
  priority: 10_000,

  addProseMirrorPlugins() {
    return [
      new Plugin({
        key: new PluginKey("selectionBeforeShortcut"),
        props: {
          handleKeyDown: (view, event) => {
            if (event.isComposing) return false;
            if (event.ctrlKey || event.metaKey || event.altKey || ACTED_ON.has(event.key)) readDomSelection(view);
            return false;
          },
        },
      }),
    ];
  },
});

function readDomSelection(view: EditorView): void {
  const { selection, doc } = view.state;
  if (!(selection instanceof TextSelection)) return;
  const dom = view.dom.ownerDocument.getSelection();
  if (!dom?.anchorNode || !dom.focusNode) return;
  if (!view.dom.contains(dom.anchorNode) || !view.dom.contains(dom.focusNode)) return;
  let anchor: number;
  let head: number;
  try {
    anchor = view.posAtDOM(dom.anchorNode, dom.anchorOffset);
    head = view.posAtDOM(dom.focusNode, dom.focusOffset);
  } catch {
    // A point ProseMirror cannot place (inside a widget such as another person's caret).
    return;
  }
  if (anchor === selection.anchor && head === selection.head) return;
  const next = TextSelection.between(doc.resolve(anchor), doc.resolve(head));
  if (!next.eq(selection)) view.dispatch(view.state.tr.setSelection(next));
}
