import { and, asc, desc, eq, gt, lt, lte } from "drizzle-orm";
import * as Y from "yjs";
import type { Db } from "../../db/client.server";
import { planSnapshots, planUpdates } from "../../db/schema";

/**
 * Where a plan's Yjs document lives between updates. Every call is synchronous and durable on
 * return, so the sync layer can store an update and only then relay it. A y-redis style store
 * (streams plus a persisting worker) would implement the same three calls.
 */
export interface DocStore {
  /**
   * The stored state as one Yjs update, the id of the newest update it includes, and how many
   * logged updates it merged on top of the latest snapshot.
   */
  load(planId: string): StoredDoc;
  /** Appends one update to the plan's log and returns its id. */
  append(planId: string, update: Uint8Array): number;
  /** Replaces the log up to `upToUpdateId` by `state`, which must include all of it. */
  compact(planId: string, state: Uint8Array, upToUpdateId: number): void;
}

export interface StoredDoc {
  state: Uint8Array;
  lastUpdateId: number;
  loggedUpdates: number;
}

export class SqliteDocStore implements DocStore {
  constructor(private readonly db: Db) {}

  load(planId: string): StoredDoc {
    return this.db.transaction((tx) => {
      const snapshot = tx
        .select({ state: planSnapshots.state, upTo: planSnapshots.upToUpdateId })
        .from(planSnapshots)
        .where(eq(planSnapshots.planId, planId))
        .orderBy(desc(planSnapshots.id))
        .limit(1)
        .get();
      const upTo = snapshot?.upTo ?? 0;
      const updates = tx
        .select({ id: planUpdates.id, update: planUpdates.update })
        .from(planUpdates)
        .where(and(eq(planUpdates.planId, planId), gt(planUpdates.id, upTo)))
        .orderBy(asc(planUpdates.id))
        .all();
      const parts: Uint8Array[] = [];
      if (snapshot) parts.push(snapshot.state);
      for (const row of updates) parts.push(row.update);
      const state = parts.length === 1 ? parts[0]! : Y.mergeUpdates(parts);
      return { state, lastUpdateId: updates.at(-1)?.id ?? upTo, loggedUpdates: updates.length };
    });
  }

  append(planId: string, update: Uint8Array): number {
    const row = this.db
      .insert(planUpdates)
      .values({ planId, update: toBuffer(update) })
      .returning({ id: planUpdates.id })
      .get();
    return row.id;
  }

  compact(planId: string, state: Uint8Array, upToUpdateId: number): void {
    this.db.transaction((tx) => {
      const snapshot = tx
        .insert(planSnapshots)
        .values({ planId, state: toBuffer(state), upToUpdateId })
        .returning({ id: planSnapshots.id })
        .get();
      tx.delete(planUpdates)
        .where(and(eq(planUpdates.planId, planId), lte(planUpdates.id, upToUpdateId)))
        .run();
      tx.delete(planSnapshots)
        .where(and(eq(planSnapshots.planId, planId), lt(planSnapshots.id, snapshot.id)))
        .run();
    });
  }
}

/** A Buffer view of the same bytes, without copying. */
function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
