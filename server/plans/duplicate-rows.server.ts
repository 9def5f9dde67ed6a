import * as Y from "yjs";
import { removeDuplicateRows, type Row } from "../../app/shared/section-rows";
import { rootOf } from "../collab/doc-roots.server";
import { guarded } from "../collab/guard.server";
import type { RoomExtension } from "../collab/rooms.server";
import type { PlanRoom } from "../collab/room.server";

/** The origin of the server's own clean-up edits, so they do not trigger another check. */
const CLEANUP = Symbol("duplicate rows removed by the server");

/**
 * Keeps each structured row once. Moving a row is a delete and an insert of a copy, so two
 * people moving the same row at the same moment leave two copies; the server, one actor for
 * every client, removes the later copy as soon as it sees them, and that edit is stored and
 * sent to everyone like any other.
 */
export class DuplicateRowCleaner implements RoomExtension {
  attach(room: PlanRoom): () => void {
    const onTransaction = guarded(`looking for duplicate rows in plan ${room.planId}`, (transaction: Y.Transaction) => {
      if (transaction.origin === CLEANUP) return;
      const touched = new Set<Y.Array<Row>>();
      for (const type of transaction.changed.keys()) {
        const root = rootOf(type);
        const rows = root instanceof Y.Map ? root.get("rows") : undefined;
        if (rows instanceof Y.Array && (type === rows || type === root)) touched.add(rows as Y.Array<Row>);
      }
      if (touched.size === 0) return;
      queueMicrotask(
        guarded(`removing duplicate rows in plan ${room.planId}`, () => {
          if (room.doc.isDestroyed) return;
          room.doc.transact(() => {
            for (const rows of touched) removeDuplicateRows(rows);
          }, CLEANUP);
        }),
      );
    });
    room.doc.on("afterTransaction", onTransaction);
    return () => room.doc.off("afterTransaction", onTransaction);
  }
}
