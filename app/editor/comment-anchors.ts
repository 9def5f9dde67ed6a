import type { EditorState } from "@tiptap/pm/state";
import {
  absolutePositionToRelativePosition,
  relativePositionToAbsolutePosition,
  ySyncPluginKey,
} from "@tiptap/y-tiptap";
import { fromBase64, toBase64 } from "lib0/buffer";
import * as Y from "yjs";
import type { CommentAnchor } from "../shared/comment-input";
import type { SharedType } from "~/shared/yjs-types";

/**
 * Comment anchors in the editor: a selection becomes two Yjs relative positions, and an anchor
 * becomes an editor range again, through the collaboration binding of that editor.
 */
interface Binding {
  doc: Y.Doc;
  type: Y.XmlFragment;
  mapping: Map<SharedType, unknown>;
}

function bindingOf(state: EditorState): Binding | null {
  const sync = ySyncPluginKey.getState(state) as
    { doc?: Y.Doc; type?: Y.XmlFragment; binding?: { mapping: Binding["mapping"] } } | undefined;
  return sync?.doc && sync.type && sync.binding
    ? { doc: sync.doc, type: sync.type, mapping: sync.binding.mapping }
    : null;
}

/**
 * The start keeps to the first commented character and the end to the last, so words typed
 * just before or just after the comment stay outside it.
 */
export function anchorForSelection(state: EditorState): { anchor: CommentAnchor; quote: string } | null {
  const { from, to, empty } = state.selection;
  const binding = bindingOf(state);
  if (empty || !binding) return null;
  const start = retie(binding, absolutePositionToRelativePosition(from, binding.type, binding.mapping as never), 0);
  const end = retie(binding, absolutePositionToRelativePosition(to, binding.type, binding.mapping as never), -1);
  if (!start || !end) return null;
  return {
    anchor: { start: toBase64(Y.encodeRelativePosition(start)), end: toBase64(Y.encodeRelativePosition(end)) },
    quote: state.doc.textBetween(from, to, "\n"),
  };
}

/** Where an anchor's words are in the editor now, or null once they are gone. */
export function anchorRange(state: EditorState, anchor: CommentAnchor): { from: number; to: number } | null {
  const binding = bindingOf(state);
  if (!binding) return null;
  try {
    const [from, to] = [anchor.start, anchor.end].map((encoded) =>
      relativePositionToAbsolutePosition(
        binding.doc,
        binding.type,
        Y.decodeRelativePosition(fromBase64(encoded)),
        binding.mapping as never,
      ),
    );
    return from != null && to != null && from < to ? { from, to } : null;
  } catch {
    return null;
  }
}

function retie(binding: Binding, position: Y.RelativePosition, assoc: number): Y.RelativePosition | null {
  const absolute = Y.createAbsolutePositionFromRelativePosition(position, binding.doc);
  return absolute ? Y.createRelativePositionFromTypeIndex(absolute.type, absolute.index, assoc) : null;
}
