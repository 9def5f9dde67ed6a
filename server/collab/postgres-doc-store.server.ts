import { and, asc, desc, eq, gt, lt, lte, sql } from "drizzle-orm";
import type { PgDb } from "../../db/postgres/client.server";

type PgTx = Parameters<Parameters<PgDb["transaction"]>[0]>[0];
import { planSnapshots, planUpdates } from "../../db/postgres/schema";
import type { Lease } from "../cluster/plan-leases.server";
import { storedDoc, toBuffer, type DocStore, type StoredDoc } from "./doc-store.server";

/**
 * The document store on PostgreSQL: the same log and snapshots as the SQLite store, with the
 * same promises. The sequence is an identity column; numbers are handed out at insert, not at
 * commit, so two writers of one plan could commit out of order: one process owns a plan and
 * appends its batches one at a time, which keeps a plan's numbers in commit order.
 */
export class PostgresDocStore implements DocStore {
  constructor(private readonly db: PgDb) {}

  /** Read in one snapshot of the database, so a compaction committing meanwhile is seen whole or not at all. */
  load(planId: string): Promise<StoredDoc> {
    return this.db.transaction(
      async (tx) => {
        const [snapshot] = await tx
          .select({ state: planSnapshots.state, upTo: planSnapshots.upToUpdateId })
          .from(planSnapshots)
          .where(eq(planSnapshots.planId, planId))
          .orderBy(desc(planSnapshots.id))
          .limit(1);
        const upTo = snapshot?.upTo ?? 0;
        const updates = await tx
          .select({ seq: planUpdates.seq, update: planUpdates.update })
          .from(planUpdates)
          .where(and(eq(planUpdates.planId, planId), gt(planUpdates.seq, upTo)))
          .orderBy(asc(planUpdates.seq));
        return storedDoc(snapshot, updates);
      },
      { isolationLevel: "repeatable read", accessMode: "read only" },
    );
  }

  async append(planId: string, update: Uint8Array): Promise<number> {
    const [row] = await this.db
      .insert(planUpdates)
      .values({ planId, update: toBuffer(update) })
      .returning({ seq: planUpdates.seq });
    return row!.seq;
  }

  /**
   * Appends only while `lease` is the plan's current one, in one statement; null when it is not
   * (the lease ran out and another process took the plan), and then nothing was stored. The
   * lease row is read `for share`: a takeover's update of the row waits for this insert to
   * commit, and an insert waiting on a takeover reads the row again after it and finds a new
   * epoch, so no update of an old owner can commit after a new owner has the plan.
   */
  async appendAsOwner(planId: string, update: Uint8Array, lease: Lease): Promise<number | null> {
    const inserted = await this.db.execute<{ seq: string }>(sql`
      insert into plan_updates (plan_id, update)
      select ${planId}, ${toBuffer(update)} from plan_leases
      where plan_id = ${planId} and owner = ${lease.owner} and epoch = ${lease.epoch} and expires_at > now()
      for share
      returning seq`);
    const row = inserted.rows[0];
    return row ? Number(row.seq) : null;
  }

  compact(planId: string, state: Uint8Array, upToUpdateId: number): Promise<void> {
    return this.db.transaction((tx) => this.compactIn(tx, planId, state, upToUpdateId));
  }

  /**
   * Compacts only while `lease` is the plan's current one; false when it is not, and then nothing
   * changed. An old owner's snapshot would otherwise replace a newer owner's, whose log up to it
   * is already gone.
   */
  compactAsOwner(planId: string, state: Uint8Array, upToUpdateId: number, lease: Lease): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const held = await tx.execute(sql`
        select 1 from plan_leases
        where plan_id = ${planId} and owner = ${lease.owner} and epoch = ${lease.epoch} and expires_at > now()
        for share`);
      if (held.rows.length === 0) return false;
      await this.compactIn(tx, planId, state, upToUpdateId);
      return true;
    });
  }

  private async compactIn(tx: PgTx, planId: string, state: Uint8Array, upToUpdateId: number): Promise<void> {
    const [snapshot] = await tx
      .insert(planSnapshots)
      .values({ planId, state: toBuffer(state), upToUpdateId })
      .returning({ id: planSnapshots.id });
    await tx.delete(planUpdates).where(and(eq(planUpdates.planId, planId), lte(planUpdates.seq, upToUpdateId)));
    await tx.delete(planSnapshots).where(and(eq(planSnapshots.planId, planId), lt(planSnapshots.id, snapshot!.id)));
  }
}
