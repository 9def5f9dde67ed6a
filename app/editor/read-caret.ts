import { Extension } from "@tiptap/core";
import { Plugin, PluginKey, TextSelection } from "@tiptap/pm/state";
import type { EditorView } from "@tiptap/pm/view";

const readCaretKey = new PluginKey("readCaret");

/** The keys that move a caret, and how far: the browser's own `Selection.modify` moves it. */
const MOVES: Record<string, { direction: "forward" | "backward"; unit: "character" | "line" | "lineboundary" }> = {
  ArrowRight: { direction: "forward", unit: "character" },
  ArrowLeft: { direction: "backward", unit: "character" },
  ArrowDown: { direction: "forward", unit: "line" },
  ArrowUp: { direction: "backward", unit: "line" },
  End: { direction: "forward", unit: "lineboundary" },
  Home: { direction: "backward", unit: "lineboundary" },
};

/**
 * A caret in text that cannot be edited (a reviewer's or viewer's narrative), so a keyboard
 * user can move through the words and select some to comment on, as a mouse user does by
 * dragging. Browsers give no caret to content that is not editable, so the arrow keys (with
 * Shift to select, Ctrl or Alt for a word) move the document's selection themselves, and a
 * drawn caret shows where it is. The editor stays non-editable: nothing here can change text.
 */
export const ReadCaret = Extension.create({
  name: "readCaret",

  addProseMirrorPlugins() {
    return [
      new Plugin({
        key: readCaretKey,
        // Drawn beside the text, not in it: a decoration inside the text would make
        // ProseMirror redraw it and put back a selection the browser has already moved on.
        view: (view) => new DrawnCaret(view),
        props: {
          handleDOMEvents: {
            focus: (view) => {
              if (!view.editable) placeCaretInside(view);
              return false;
            },
            keydown: (view, event) => (view.editable ? false : moveCaret(view, event)),
          },
        },
      }),
    ];
  },
});

class DrawnCaret {
  private readonly caret = document.createElement("span");
  private readonly redraw = () => this.update(this.view);

  constructor(private readonly view: EditorView) {
    this.caret.className = "read-caret";
    this.caret.setAttribute("aria-hidden", "true");
    this.caret.hidden = true;
    view.dom.parentElement?.append(this.caret);
    view.dom.addEventListener("focus", this.redraw);
    view.dom.addEventListener("blur", this.redraw);
    document.addEventListener("selectionchange", this.redraw);
  }

  update(view: EditorView) {
    const selection = window.getSelection();
    const show =
      !view.editable &&
      document.activeElement === view.dom &&
      !!selection?.isCollapsed &&
      view.dom.contains(selection.anchorNode);
    this.caret.hidden = !show;
    if (!show || !selection?.rangeCount) return;
    const at = selection.getRangeAt(0).getClientRects()[0] ?? view.coordsAtPos(view.state.selection.head);
    const box = this.caret.offsetParent?.getBoundingClientRect();
    if (!box) return;
    this.caret.style.left = `${at.left - box.left}px`;
    this.caret.style.top = `${at.top - box.top}px`;
    this.caret.style.height = `${at.bottom - at.top}px`;
  }

  destroy() {
    this.view.dom.removeEventListener("focus", this.redraw);
    this.view.dom.removeEventListener("blur", this.redraw);
    document.removeEventListener("selectionchange", this.redraw);
    this.caret.remove();
  }
}

function moveCaret(view: EditorView, event: KeyboardEvent): boolean {
  const move = MOVES[event.key];
  const selection = window.getSelection();
  if (!move || !selection || event.metaKey) return false;
  const byWord = (event.ctrlKey || event.altKey) && (event.key === "ArrowLeft" || event.key === "ArrowRight");
  const toEdge = event.ctrlKey && (event.key === "Home" || event.key === "End");
  placeCaretInside(view);
  selection.modify(
    event.shiftKey ? "extend" : "move",
    move.direction,
    byWord ? "word" : toEdge ? "documentboundary" : move.unit,
  );
  event.preventDefault();
  takeSelectionFromPage(view, selection);
  return true;
}

/**
 * Tells the editor where the browser's selection is now. ProseMirror would read it on the
 * browser's next `selectionchange`, but a key pressed before that (Ctrl+Alt+M to comment on the
 * words) would act on the selection one or two keys behind.
 */
function takeSelectionFromPage(view: EditorView, selection: Selection): void {
  const { anchorNode, focusNode } = selection;
  if (!anchorNode || !focusNode || !view.dom.contains(anchorNode) || !view.dom.contains(focusNode)) return;
  const anchor = view.posAtDOM(anchorNode, selection.anchorOffset);
  const head = view.posAtDOM(focusNode, selection.focusOffset);
  const { doc } = view.state;
  if (anchor < 0 || head < 0 || anchor > doc.content.size || head > doc.content.size) return;
  view.dispatch(view.state.tr.setSelection(TextSelection.create(doc, anchor, head)));
}

/** Puts the browser's selection at the start of the text unless it is already in it. */
function placeCaretInside(view: EditorView): void {
  const selection = window.getSelection();
  if (!selection || view.dom.contains(selection.anchorNode)) return;
  const start = view.domAtPos(TextSelection.atStart(view.state.doc).from);
  selection.collapse(start.node, start.offset);
}
