import { and, desc, eq, inArray, isNull } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Side } from "../../app/shared/permissions";
import type { SignoffRequestView, SignoffReturnView } from "../../app/shared/plan-events";
import { isFresh } from "../../app/shared/signoff-state";
import type { SqliteDb } from "../../db/client.server";
import { signoffRequests, signoffReturns, signoffs, users } from "../../db/schema";

type Reader = Pick<SqliteDb, "select">;
type Writer = Pick<SqliteDb, "select" | "update">;

const requester = alias(users, "requester");
const returner = alias(users, "returner");

/** The open sign-off requests of a plan (at most one per section), with who asked. */
export function openRequests(db: Reader, planId: string) {
  return db
    .select({
      id: signoffRequests.id,
      sectionKey: signoffRequests.sectionKey,
      by: { id: requester.id, name: requester.name, organisation: requester.organisation },
      at: signoffRequests.requestedAt,
      message: signoffRequests.message,
      due: signoffRequests.dueDate,
      sides: signoffRequests.sides,
    })
    .from(signoffRequests)
    .innerJoin(requester, eq(requester.id, signoffRequests.requestedBy))
    .where(and(eq(signoffRequests.planId, planId), isNull(signoffRequests.endedAt)))
    .all();
}

export type OpenRequest = ReturnType<typeof openRequests>[number];

/** The returns of a plan no edit has cleared yet, newest first, with who returned them. */
export function standingReturns(db: Reader, planId: string) {
  return db
    .select({
      id: signoffReturns.id,
      sectionKey: signoffReturns.sectionKey,
      by: { id: returner.id, name: returner.name, organisation: returner.organisation },
      reason: signoffReturns.reason,
      at: signoffReturns.returnedAt,
      contentHash: signoffReturns.contentHash,
    })
    .from(signoffReturns)
    .innerJoin(returner, eq(returner.id, signoffReturns.userId))
    .where(and(eq(signoffReturns.planId, planId), isNull(signoffReturns.clearedAt)))
    .orderBy(desc(signoffReturns.id))
    .all();
}

export type StandingReturn = ReturnType<typeof standingReturns>[number];

/** Per section, the open request and the newest standing return. */
export interface SectionWorkflow {
  request?: OpenRequest;
  returned?: StandingReturn;
}

export function planWorkflow(db: Reader, planId: string): Map<string, SectionWorkflow> {
  const bySection = new Map<string, SectionWorkflow>();
  const entry = (key: string) => bySection.get(key) ?? bySection.set(key, {}).get(key)!;
  for (const request of openRequests(db, planId)) entry(request.sectionKey).request = request;
  for (const returned of standingReturns(db, planId)) entry(returned.sectionKey).returned ??= returned;
  return bySection;
}

/** The section's workflow as every client sees it: a return shows only while the content is what was returned. */
export function workflowView(
  workflow: SectionWorkflow | undefined,
  currentHash: string,
): { returned: SignoffReturnView | null; due: string | null; request: SignoffRequestView | null } {
  const returned = workflow?.returned;
  const request = workflow?.request;
  return {
    returned:
      returned && returned.contentHash === currentHash
        ? { by: returned.by, reason: returned.reason, at: returned.at.toISOString() }
        : null,
    due: request?.due ?? null,
    request: request
      ? {
          by: request.by,
          at: request.at.toISOString(),
          message: request.message,
          due: request.due,
          sides: request.sides,
        }
      : null,
  };
}

/**
 * Ends the section's open request once every side it asked has a fresh sign-off of the
 * content now (`contentHash`); answers whether it ended one.
 */
export function endAnsweredRequest(db: Writer, planId: string, sectionKey: string, contentHash: string): boolean {
  const open = db
    .select({ id: signoffRequests.id, sides: signoffRequests.sides })
    .from(signoffRequests)
    .where(
      and(
        eq(signoffRequests.planId, planId),
        eq(signoffRequests.sectionKey, sectionKey),
        isNull(signoffRequests.endedAt),
      ),
    )
    .get();
  if (!open) return false;
  const signed = freshSides(db, planId, sectionKey, contentHash);
  if (!open.sides.every((side) => signed.has(side))) return false;
  db.update(signoffRequests).set({ endedAt: new Date() }).where(eq(signoffRequests.id, open.id)).run();
  return true;
}

/** Ends the section's open request, if any (asked again, or returned); answers its id. */
export function endOpenRequest(db: Writer, planId: string, sectionKey: string): number | null {
  const open = db
    .select({ id: signoffRequests.id })
    .from(signoffRequests)
    .where(
      and(
        eq(signoffRequests.planId, planId),
        eq(signoffRequests.sectionKey, sectionKey),
        isNull(signoffRequests.endedAt),
      ),
    )
    .get();
  if (!open) return null;
  db.update(signoffRequests).set({ endedAt: new Date() }).where(eq(signoffRequests.id, open.id)).run();
  return open.id;
}

/** Marks cleared the given returns (their section changed since). */
export function clearReturns(db: Pick<SqliteDb, "update">, ids: readonly number[]): void {
  if (ids.length === 0) return;
  db.update(signoffReturns)
    .set({ clearedAt: new Date() })
    .where(inArray(signoffReturns.id, [...ids]))
    .run();
}

/** The sides with a fresh sign-off of the section's content `contentHash`. */
export function freshSides(db: Reader, planId: string, sectionKey: string, contentHash: string): Set<Side> {
  const current = db
    .select({ side: signoffs.side, contentHash: signoffs.contentHash, staleAt: signoffs.staleAt })
    .from(signoffs)
    .where(and(eq(signoffs.planId, planId), eq(signoffs.sectionKey, sectionKey), isNull(signoffs.revokedAt)))
    .all();
  return new Set(current.filter((record) => isFresh(record, contentHash)).map((record) => record.side));
}
