import { PluginKey, type EditorState } from "@tiptap/pm/state";
import type { EditorView } from "@tiptap/pm/view";

/**
 * Whether an editor is suggesting, apart from the plugin itself (suggesting.ts), so the writing
 * toolbar and the shortcuts list, which come with the page's first JavaScript, do not bring it.
 */
export const suggestingKey = new PluginKey<boolean>("suggesting");

/** Turns suggesting on or off in an editor. */
export function setSuggesting(view: EditorView, value: boolean): void {
  view.dispatch(view.state.tr.setMeta(suggestingKey, value));
}

export function isSuggesting(state: EditorState): boolean {
  return suggestingKey.getState(state) === true;
}
