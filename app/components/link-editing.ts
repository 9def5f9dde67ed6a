import type { Editor } from "@tiptap/react";

/** Asks the section's toolbar to open its link editor (the Ctrl+K shortcut and the Link button). */
export const EDIT_LINK_EVENT = "coplan:edit-link";

export function requestLinkEditor(editor: Editor): void {
  editor.view.dom.dispatchEvent(new CustomEvent(EDIT_LINK_EVENT));
}
