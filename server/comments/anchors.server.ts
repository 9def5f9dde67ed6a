import { fromBase64, toBase64 } from "lib0/buffer";
import * as Y from "yjs";
import type { CommentAnchor } from "../../app/shared/comment-input";
import { sectionFragmentName } from "../../app/shared/doc-names";
import { Refusal } from "../../app/shared/errors";
import { sectionTextLayout } from "../plans/plan-content.server";

/**
 * A comment's anchor: two Yjs relative positions in the section's fragment. They stay with the
 * words they were made on while others edit around and inside them; when the words are all
 * deleted the anchor collapses and the thread's text is "removed".
 */
export interface StoredAnchor {
  start: Uint8Array;
  end: Uint8Array;
}

export type AnchorResolution =
  { status: "anchored"; text: string; from: number; to: number } | { status: "text-removed" };

export function encodeAnchor(anchor: StoredAnchor): CommentAnchor {
  return { start: toBase64(anchor.start), end: toBase64(anchor.end) };
}

/** Checks an anchor a client sent against the section as the server has it now. */
export function validateAnchor(doc: Y.Doc, sectionKey: string, anchor: CommentAnchor) {
  const stored = { start: fromBase64(anchor.start), end: fromBase64(anchor.end) };
  const start = decode(stored.start, "start");
  const end = decode(stored.end, "end");
  for (const [name, position] of [
    ["start", start],
    ["end", end],
  ] as const) {
    // A position named by a root type would make the server create that root: refuse others.
    if (position.tname !== null && position.tname !== sectionFragmentName(sectionKey)) {
      throw new Refusal("invalid", `anchor: the ${name} is outside section "${sectionKey}"`);
    }
  }
  const layout = sectionTextLayout(doc, sectionKey);
  const offsets = [start, end].map((position, i) => {
    const absolute = Y.createAbsolutePositionFromRelativePosition(position, doc);
    if (!absolute) {
      throw new Refusal("conflict", "anchor: the commented text has not reached the server yet; try again");
    }
    const offset = layout.offsetOf(absolute.type, absolute.index);
    if (offset === null)
      throw new Refusal("invalid", `anchor: the ${i === 0 ? "start" : "end"} is outside section "${sectionKey}"`);
    return offset;
  });
  const [from, to] = offsets as [number, number];
  if (from >= to) throw new Refusal("invalid", "anchor: it selects no text");
  return { stored, text: layout.text.slice(from, to) };
}

/** Where a stored anchor is now, and the words it covers. */
export function resolveAnchor(doc: Y.Doc, sectionKey: string, anchor: StoredAnchor): AnchorResolution {
  const layout = sectionTextLayout(doc, sectionKey);
  const offsets: number[] = [];
  for (const bytes of [anchor.start, anchor.end]) {
    const absolute = Y.createAbsolutePositionFromRelativePosition(Y.decodeRelativePosition(bytes), doc);
    const offset = absolute ? layout.offsetOf(absolute.type, absolute.index) : null;
    if (offset === null) return { status: "text-removed" };
    offsets.push(offset);
  }
  const [from, to] = offsets as [number, number];
  return from < to ? { status: "anchored", text: layout.text.slice(from, to), from, to } : { status: "text-removed" };
}

function decode(bytes: Uint8Array, name: string): Y.RelativePosition {
  try {
    return Y.decodeRelativePosition(bytes);
  } catch {
    throw new Refusal("invalid", `anchor: the ${name} is not a Yjs relative position`);
  }
}
