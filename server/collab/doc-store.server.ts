import { and, asc, desc, eq, gt, lt, lte, sql } from "drizzle-orm";
import * as Y from "yjs";
import type { SqliteDb } from "../../db/client.server";
import { ConnectionGate } from "../../db/store.server";
import { planSnapshots, planUpdates } from "../../db/schema";

/**
 * Where a plan's Yjs document lives between updates. Every call is durable once its promise
 * settles: the room relays a batch only after its append has resolved (decision 0042). A store
 * across the network (PostgreSQL) answers later; SQLite answers at once.
 */
export interface DocStore {
  /**
   * The stored state as one Yjs update, the id of the newest update it includes, and how many
   * logged updates it merged on top of the latest snapshot.
   */
  load(planId: string): Promise<StoredDoc>;
  /**
   * Appends one update to the plan's log and returns the sequence number the database gave it:
   * higher than every number given before, for any plan, and never reused.
   */
  append(planId: string, update: Uint8Array): Promise<number>;
  /** Replaces the log up to `upToUpdateId` by `state`, which must include all of it. */
  compact(planId: string, state: Uint8Array, upToUpdateId: number): Promise<void>;
  /**
   * Among several processes, `load` opens the plan for writing here; `peek` only reads what is
   * stored, and `unloaded` tells the store the plan is closed here. One process needs neither.
   */
  peek?(planId: string): Promise<StoredDoc>;
  unloaded?(planId: string): Promise<void>;
}

export interface StoredDoc {
  state: Uint8Array;
  lastUpdateId: number;
  loggedUpdates: number;
}

export class SqliteDocStore implements DocStore {
  /**
   * Prepared once: this runs on every keystroke, and building and preparing the query each time
   * cost about ten times the insert itself.
   */
  private readonly appendStatement;

  /**
   * `gate` is the connection's: the store's other users may hold it for a transaction across
   * awaits, and a statement of ours run meanwhile would join that transaction.
   */
  constructor(
    private readonly db: SqliteDb,
    private readonly gate = new ConnectionGate(),
  ) {
    // The sequence number comes from the database (AUTOINCREMENT), never from the writer.
    this.appendStatement = db
      .insert(planUpdates)
      .values({ planId: sql.placeholder("planId"), update: sql.placeholder("update") })
      .returning({ seq: planUpdates.seq })
      .prepare();
  }

  load(planId: string): Promise<StoredDoc> {
    return this.gate.exclusive(() => this.loadNow(planId));
  }

  private loadNow(planId: string): StoredDoc {
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
        .select({ seq: planUpdates.seq, update: planUpdates.update })
        .from(planUpdates)
        .where(and(eq(planUpdates.planId, planId), gt(planUpdates.seq, upTo)))
        .orderBy(asc(planUpdates.seq))
        .all();
      return storedDoc(snapshot, updates);
    });
  }

  append(planId: string, update: Uint8Array): Promise<number> {
    return this.gate.exclusive(() => this.appendStatement.get({ planId, update: toBuffer(update) })!.seq);
  }

  compact(planId: string, state: Uint8Array, upToUpdateId: number): Promise<void> {
    return this.gate.exclusive(() => this.compactNow(planId, state, upToUpdateId));
  }

  private compactNow(planId: string, state: Uint8Array, upToUpdateId: number): void {
    this.db.transaction((tx) => {
      const snapshot = tx
        .insert(planSnapshots)
        .values({ planId, state: toBuffer(state), upToUpdateId })
        .returning({ id: planSnapshots.id })
        .get();
      tx.delete(planUpdates)
        .where(and(eq(planUpdates.planId, planId), lte(planUpdates.seq, upToUpdateId)))
        .run();
      tx.delete(planSnapshots)
        .where(and(eq(planSnapshots.planId, planId), lt(planSnapshots.id, snapshot.id)))
        .run();
    });
  }
}

/** A plan's latest snapshot (if any) and the logged updates after it, as one stored document. */
export function storedDoc(
  snapshot: { state: Uint8Array; upTo: number } | undefined,
  updates: readonly { seq: number; update: Uint8Array }[],
): StoredDoc {
  const parts: Uint8Array[] = [];
  if (snapshot) parts.push(snapshot.state);
  for (const row of updates) parts.push(row.update);
  const state = parts.length === 1 ? parts[0]! : Y.mergeUpdates(parts);
  return { state, lastUpdateId: updates.at(-1)?.seq ?? snapshot?.upTo ?? 0, loggedUpdates: updates.length };
}

/** A Buffer view of the same bytes, without copying. */
export function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
