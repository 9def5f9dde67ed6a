import * as Y from "yjs";

/**
 * What of a presence (awareness) state other people's pages read, checked before it is
 * relayed (server) and before the editors draw it (page). y-prosemirror's cursor plugin reads
 * `cursor.anchor` and `cursor.head` as Yjs relative positions and throws "Unexpected case" on
 * one that names no type; a state from a stock or hostile client may hold anything there.
 * The checks are plain code, not zod: the page loads this module up front.
 */
const MAX_CELL_CHARS = 200;
/** The caret's colour goes into a style attribute: a six-digit hex colour only. */
const COLOUR = /^#[0-9a-fA-F]{6}$/;

interface RelativePositionJson {
  type?: unknown;
  tname?: unknown;
  item?: unknown;
  assoc?: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const isCount = (value: unknown) => Number.isInteger(value) && (value as number) >= 0;
const isYId = (value: unknown) => value == null || (isRecord(value) && isCount(value.client) && isCount(value.clock));

function isRelativePosition(value: unknown): value is RelativePositionJson {
  return (
    isRecord(value) &&
    isYId(value.type) &&
    isYId(value.item) &&
    (value.tname == null || (typeof value.tname === "string" && value.tname.length <= 200)) &&
    (value.assoc == null || Number.isInteger(value.assoc))
  );
}

/** Whether both ends of a cursor resolve in `doc` (or name content it does not have yet) without throwing. */
export function isReadableCursor(value: unknown, doc: Y.Doc): boolean {
  if (!isRecord(value) || !isRelativePosition(value.anchor) || !isRelativePosition(value.head)) return false;
  for (const end of [value.anchor, value.head]) {
    // Resolving a name creates that root in the document: only names it already has.
    if (typeof end.tname === "string" && !doc.share.has(end.tname)) return false;
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
    if (record.color !== undefined && !(typeof record.color === "string" && COLOUR.test(record.color))) {
      delete record.color;
    }
  } else if (user !== undefined) {
    delete state.user;
  }
  return state;
}
