import { and, desc, eq, inArray, isNull } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Side } from "../../app/shared/permissions";
import type { SignoffRequestView, SignoffReturnView } from "../../app/shared/plan-events";
import { isFresh } from "../../app/shared/signoff-state";
import { perTables, type Db, type Tables } from "../../db/store.server";

/** Who asked and who returned, as aliases of the store's own `users`. */
const peopleOf = perTables((tables) => {
  return { requester: alias(tables.users, "requester"), returner: alias(tables.users, "returner") };
});

/** The open sign-off requests of a plan (at most one per section), with who asked. */
export function openRequests(db: Db, tables: Tables, planId: string) {
  const { signoffRequests } = tables;
  const { requester } = peopleOf(tables);
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
    .where(and(eq(signoffRequests.planId, planId), isNull(signoffRequests.endedAt)));
}

export type OpenRequest = Awaited<ReturnType<typeof openRequests>>[number];

/** The returns of a plan no edit has cleared yet, newest first, with who returned them. */
export function standingReturns(db: Db, tables: Tables, planId: string) {
  const { signoffReturns } = tables;
  const { returner } = peopleOf(tables);
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
    .orderBy(desc(signoffReturns.id));
}

export type StandingReturn = Awaited<ReturnType<typeof standingReturns>>[number];

/** Per section, the open request and the newest standing return. */
export interface SectionWorkflow {
  request?: OpenRequest;
  returned?: StandingReturn;
}

export async function planWorkflow(db: Db, tables: Tables, planId: string): Promise<Map<string, SectionWorkflow>> {
  const bySection = new Map<string, SectionWorkflow>();
  const entry = (key: string) => bySection.get(key) ?? bySection.set(key, {}).get(key)!;
  for (const request of await openRequests(db, tables, planId)) entry(request.sectionKey).request = request;
  for (const returned of await standingReturns(db, tables, planId)) entry(returned.sectionKey).returned ??= returned;
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
export async function endAnsweredRequest(
  db: Db,
  tables: Tables,
  planId: string,
  sectionKey: string,
  contentHash: string,
): Promise<boolean> {
  const { signoffRequests } = tables;
  const [open] = await db
    .select({ id: signoffRequests.id, sides: signoffRequests.sides })
    .from(signoffRequests)
    .where(
      and(
        eq(signoffRequests.planId, planId),
        eq(signoffRequests.sectionKey, sectionKey),
        isNull(signoffRequests.endedAt),
      ),
    )
    .limit(1);
  if (!open) return false;
  const signed = await freshSides(db, tables, planId, sectionKey, contentHash);
  if (!open.sides.every((side) => signed.has(side))) return false;
  const ended = await db
    .update(signoffRequests)
    .set({ endedAt: new Date() })
    .where(and(eq(signoffRequests.id, open.id), isNull(signoffRequests.endedAt)))
    .returning({ id: signoffRequests.id });
  return ended.length > 0;
}

/** Ends the section's open request, if any (asked again, or returned); answers its id. */
export async function endOpenRequest(
  db: Db,
  tables: Tables,
  planId: string,
  sectionKey: string,
): Promise<number | null> {
  const { signoffRequests } = tables;
  const [open] = await db
    .select({ id: signoffRequests.id })
    .from(signoffRequests)
    .where(
      and(
        eq(signoffRequests.planId, planId),
        eq(signoffRequests.sectionKey, sectionKey),
        isNull(signoffRequests.endedAt),
      ),
    )
    .limit(1);
  if (!open) return null;
  await db.update(signoffRequests).set({ endedAt: new Date() }).where(eq(signoffRequests.id, open.id));
  return open.id;
}

/** Marks cleared the given returns (their section changed since). */
export async function clearReturns(db: Db, tables: Tables, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  const { signoffReturns } = tables;
  await db
    .update(signoffReturns)
    .set({ clearedAt: new Date() })
    .where(inArray(signoffReturns.id, [...ids]));
}

/** The sides with a fresh sign-off of the section's content `contentHash`. */
export async function freshSides(
  db: Db,
  tables: Tables,
  planId: string,
  sectionKey: string,
  contentHash: string,
): Promise<Set<Side>> {
  const { signoffs } = tables;
  const current = await db
    .select({ side: signoffs.side, contentHash: signoffs.contentHash, staleAt: signoffs.staleAt })
    .from(signoffs)
    .where(and(eq(signoffs.planId, planId), eq(signoffs.sectionKey, sectionKey), isNull(signoffs.revokedAt)));
  return new Set(current.filter((record) => isFresh(record, contentHash)).map((record) => record.side));
}
