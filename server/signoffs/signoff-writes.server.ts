import { and, eq, isNotNull, isNull, ne, or } from "drizzle-orm";
import type { Side } from "../../app/shared/permissions";
import type { Db, Store } from "../../db/store.server";
import { recordAudit } from "../plans/audit.server";
import { clearReturns, endAnsweredRequest } from "./signoff-workflow-records.server";

/** A new sign-off, as the signing person's request and the server's reading of the section make it. */
export interface NewSignoff {
  planId: string;
  sectionKey: string;
  side: Side;
  userId: string;
  onBehalfOf: string | null;
  contentHash: string;
  sectionState: Buffer;
  meaning: string;
}

/** The side's sign-off of this wording already stands: nothing was written. */
export class SideAlreadySigned extends Error {
  constructor(readonly signedBy: string) {
    super("the side's sign-off of this wording already stands");
  }
}

/**
 * The writes of sign-offs. Each checks its condition in the write itself, never in a read made
 * before it, so two writers racing (two requests, or later two processes) cannot both pass it:
 * a sign-off is inserted only where the side has no current record (the partial unique index
 * `signoffs_one_active_per_side_idx`, through ON CONFLICT DO NOTHING), a stale record is
 * superseded only while it is still current and stale, and revoking or marking stale touches
 * only the rows still in the state the caller meant to change. A sign-off's transaction also
 * takes the plan's lock first, so that on PostgreSQL the standing record it names when refused,
 * and the request it ends, are read with no other sign-off of the plan between.
 */
export class SignoffWrites {
  constructor(private readonly store: Store) {}

  /**
   * Stores the sign-off, superseding the side's stale one, with whatever `alongside` writes in
   * the same transaction (the version it pins, its audit entry); answers the new id and the id
   * of the record it superseded. Throws `SideAlreadySigned` when the side's sign-off of this
   * wording stands.
   */
  sign<T>(
    signing: NewSignoff,
    alongside: (tx: Db, id: number, supersedes: number | null) => Promise<T>,
  ): Promise<{ id: number; supersedes: number | null; alongside: T }> {
    const { signoffs } = this.store.tables;
    return this.store.transaction(async (tx) => {
      const { planId, sectionKey, side, userId, contentHash } = signing;
      await this.store.lock(tx, `plan:${planId}`);
      const ofSide = and(
        eq(signoffs.planId, planId),
        eq(signoffs.sectionKey, sectionKey),
        eq(signoffs.side, side),
        isNull(signoffs.revokedAt),
      );
      // Re-signing a stale section supersedes the stale record, which stays in the history.
      const [superseded] = await tx
        .update(signoffs)
        .set({ revokedAt: new Date(), revokedBy: userId })
        .where(and(ofSide, or(isNotNull(signoffs.staleAt), ne(signoffs.contentHash, contentHash))))
        .returning({ id: signoffs.id });
      const [created] = await tx
        .insert(signoffs)
        .values({ ...signing, method: "password" })
        // The only unique key a new row can meet is the partial index of one current record per
        // side (drizzle writes a conflict target's WHERE where SQLite does not take it).
        .onConflictDoNothing()
        .returning({ id: signoffs.id });
      if (!created) {
        const [standing] = await tx.select({ userId: signoffs.userId }).from(signoffs).where(ofSide).limit(1);
        throw new SideAlreadySigned(standing?.userId ?? "");
      }
      await endAnsweredRequest(tx, this.store.tables, planId, sectionKey, contentHash);
      const supersedes = superseded?.id ?? null;
      return { id: created.id, supersedes, alongside: await alongside(tx, created.id, supersedes) };
    });
  }

  /**
   * Revokes the user's current sign-offs of the section (their own, and any a deputy made for
   * them); answers the ones this call revoked, none if another request revoked them first.
   */
  revoke(planId: string, sectionKey: string, userId: string): Promise<{ id: number; side: Side }[]> {
    const { signoffs } = this.store.tables;
    return this.store.transaction(async (tx) => {
      const revoked = await tx
        .update(signoffs)
        .set({ revokedAt: new Date(), revokedBy: userId })
        .where(
          and(
            eq(signoffs.planId, planId),
            eq(signoffs.sectionKey, sectionKey),
            or(eq(signoffs.userId, userId), eq(signoffs.onBehalfOf, userId)),
            isNull(signoffs.revokedAt),
          ),
        )
        .returning({ id: signoffs.id, side: signoffs.side });
      for (const record of revoked) {
        await recordAudit(
          this.store,
          {
            planId,
            userId,
            type: "signoff.revoked",
            detail: { sectionKey, side: record.side, signoffId: record.id },
          },
          tx,
        );
      }
      return revoked;
    });
  }

  /**
   * Marks stale the given sign-offs that are still current and fresh, and clears the given
   * returns; answers the ids this call turned, so that only they are audited and told about.
   */
  markStale(
    planId: string,
    candidates: readonly { id: number; staleBy: string | null }[],
    returnIds: readonly number[],
    audit: (tx: Db, turnedId: number) => Promise<void>,
  ): Promise<number[]> {
    const { signoffs } = this.store.tables;
    const now = new Date();
    return this.store.transaction(async (tx) => {
      // The plan's lock first, as signing takes it: taken after a row, the two could deadlock.
      await this.store.lock(tx, `plan:${planId}`);
      await clearReturns(tx, this.store.tables, returnIds);
      const turned: number[] = [];
      for (const { id, staleBy } of candidates) {
        const [row] = await tx
          .update(signoffs)
          .set({ staleAt: now, staleBy })
          .where(and(eq(signoffs.id, id), isNull(signoffs.staleAt), isNull(signoffs.revokedAt)))
          .returning({ id: signoffs.id });
        if (!row) continue;
        turned.push(row.id);
        await audit(tx, row.id);
      }
      return turned;
    });
  }
}
