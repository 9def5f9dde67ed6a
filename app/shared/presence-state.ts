import * as Y from "yjs";
import { z } from "zod";

/**
 * What of a presence (awareness) state other people's pages read, checked before it is
 * relayed (server) and before the editors draw it (page). y-prosemirror's cursor plugin reads
 * `cursor.anchor` and `cursor.head` as Yjs relative positions and throws "Unexpected case" on
 * one that names no type; a state from a stock or hostile client may hold anything there.
 */
const yId = z.object({ client: z.number().int().nonnegative(), clock: z.number().int().nonnegative() });
const relativePosition = z.object({
  type: yId.nullish(),
  tname: z.string().max(200).nullish(),
  item: yId.nullish(),
  assoc: z.number().int().nullish(),
});
const cursorSchema = z.object({ anchor: relativePosition, head: relativePosition });
/** The caret's colour goes into a style attribute: a six-digit hex colour only. */
const colourSchema = z.string().regex(/^#[0-9a-fA-F]{6}$/);
const MAX_CELL_CHARS = 200;

/** Whether both ends of a cursor resolve in `doc` (or name content it does not have yet) without throwing. */
export function isReadableCursor(value: unknown, doc: Y.Doc): boolean {
  const parsed = cursorSchema.safeParse(value);
  if (!parsed.success) return false;
  for (const end of [parsed.data.anchor, parsed.data.head]) {
    // Resolving a name creates that root in the document: only names it already has.
    if (end.tname != null && !doc.share.has(end.tname)) return false;
    try {
      Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(end), doc);
    } catch {
      return false;
    }
  }
  return true;
}

/**
 * The fields of a presence state that readers would trip on, removed: a cursor that does not
 * resolve, a cell that is not a short string, a colour that is not `#rrggbb`. Everything else
 * is kept as sent. Changes `state` in place (the page's awareness holds the object) and
 * returns it.
 */
export function dropUnreadablePresence(state: Record<string, unknown>, doc: Y.Doc): Record<string, unknown> {
  if (state.cursor != null && !isReadableCursor(state.cursor, doc)) delete state.cursor;
  if (state.cell != null && !(typeof state.cell === "string" && state.cell.length <= MAX_CELL_CHARS)) delete state.cell;
  const user = state.user;
  if (typeof user === "object" && user !== null && !Array.isArray(user)) {
    const record = user as Record<string, unknown>;
    if (record.color !== undefined && !colourSchema.safeParse(record.color).success) delete record.color;
  } else if (user !== undefined) {
    delete state.user;
  }
  return state;
}
