import { and, eq, isNotNull, isNull, ne, or } from "drizzle-orm";
import type { Side } from "../../app/shared/permissions";
import type { SqliteDb } from "../../db/client.server";
import { signoffs } from "../../db/schema";
import { recordAuditSync } from "../plans/audit.server";
import { clearReturns, endAnsweredRequest } from "./signoff-workflow-records.server";

/** What a sign-off's transaction writes with: the database, inside the transaction. */
export type SignoffTx = Pick<SqliteDb, "select" | "insert" | "update" | "delete" | "transaction">;

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
 * only the rows still in the state the caller meant to change. Every transaction is IMMEDIATE:
 * it takes SQLite's write lock before its first read, so no other connection commits between
 * what it reads and what it writes.
 */
export class SignoffWrites {
  constructor(private readonly db: SqliteDb) {}

  /**
   * Stores the sign-off, superseding the side's stale one, with whatever `alongside` writes in
   * the same transaction (the version it pins, its audit entry); answers the new id and the id
   * of the record it superseded. Throws `SideAlreadySigned` when the side's sign-off of this
   * wording stands.
   */
  sign<T>(
    signing: NewSignoff,
    alongside: (tx: SignoffTx, id: number, supersedes: number | null) => T,
  ): { id: number; supersedes: number | null; alongside: T } {
    return this.db.transaction(
      (tx) => {
        const { planId, sectionKey, side, userId, contentHash } = signing;
        const ofSide = and(
          eq(signoffs.planId, planId),
          eq(signoffs.sectionKey, sectionKey),
          eq(signoffs.side, side),
          isNull(signoffs.revokedAt),
        );
        // Re-signing a stale section supersedes the stale record, which stays in the history.
        const superseded = tx
          .update(signoffs)
          .set({ revokedAt: new Date(), revokedBy: userId })
          .where(and(ofSide, or(isNotNull(signoffs.staleAt), ne(signoffs.contentHash, contentHash))))
          .returning({ id: signoffs.id })
          .get();
        const created = tx
          .insert(signoffs)
          .values({ ...signing, method: "password" })
          // The only unique key a new row can meet is the partial index of one current record per
          // side (drizzle writes a conflict target's WHERE where SQLite does not take it).
          .onConflictDoNothing()
          .returning({ id: signoffs.id })
          .get();
        if (!created) {
          const standing = tx.select({ userId: signoffs.userId }).from(signoffs).where(ofSide).get();
          throw new SideAlreadySigned(standing?.userId ?? "");
        }
        endAnsweredRequest(tx, planId, sectionKey, contentHash);
        const supersedes = superseded?.id ?? null;
        return { id: created.id, supersedes, alongside: alongside(tx, created.id, supersedes) };
      },
      { behavior: "immediate" },
    );
  }

  /**
   * Revokes the user's current sign-offs of the section (their own, and any a deputy made for
   * them); answers the ones this call revoked, none if another request revoked them first.
   */
  revoke(planId: string, sectionKey: string, userId: string): { id: number; side: Side }[] {
    return this.db.transaction(
      (tx) => {
        const revoked = tx
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
          .returning({ id: signoffs.id, side: signoffs.side })
          .all();
        for (const record of revoked) {
          recordAuditSync(tx, {
            planId,
            userId,
            type: "signoff.revoked",
            detail: { sectionKey, side: record.side, signoffId: record.id },
          });
        }
        return revoked;
      },
      { behavior: "immediate" },
    );
  }

  /**
   * Marks stale the given sign-offs that are still current and fresh, and clears the given
   * returns; answers the ids this call turned, so that only they are audited and told about.
   */
  markStale(
    candidates: readonly { id: number; staleBy: string | null }[],
    returnIds: readonly number[],
    audit: (tx: SignoffTx, turnedId: number) => void,
  ): number[] {
    const now = new Date();
    return this.db.transaction(
      (tx) => {
        clearReturns(tx, returnIds);
        const turned: number[] = [];
        for (const { id, staleBy } of candidates) {
          const row = tx
            .update(signoffs)
            .set({ staleAt: now, staleBy })
            .where(and(eq(signoffs.id, id), isNull(signoffs.staleAt), isNull(signoffs.revokedAt)))
            .returning({ id: signoffs.id })
            .get();
          if (!row) continue;
          turned.push(row.id);
          audit(tx, row.id);
        }
        return turned;
      },
      { behavior: "immediate" },
    );
  }
}
