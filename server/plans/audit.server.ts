import { and, desc, eq, inArray, isNull } from "drizzle-orm";
import type { Db, Store } from "../../db/store.server";
import { type auditEvents } from "../../db/schema";
import { toCsv } from "../../app/shared/csv";
import { activitySentence, peopleNamed } from "../../app/shared/activity-sentence";
import type { PlanTemplate } from "../../app/shared/template-schema";
import { entryHash, GENESIS_HASH, storedDetail, verifyStoreChains } from "./audit-chain.server";

export type AuditEntry = Pick<typeof auditEvents.$inferInsert, "planId" | "userId" | "type" | "detail">;

/**
 * Appends to the entry's chain (the plan's, or the instance's), in the caller's transaction
 * `tx` when given, so that an event commits with the change it records. The chain's head is
 * read and the entry written under a lock on the chain, and the unique index on (chain,
 * prevHash) refuses a second entry on the same head, so two writers never fork a chain.
 */
export async function recordAudit(store: Store, entry: AuditEntry, tx?: Db): Promise<void> {
  const write = async (tx: Db) => {
    const { auditEvents } = store.tables;
    const planId = entry.planId ?? null;
    // Two transactions reading one head would both link to it; the second would then be refused.
    await store.lock(tx, `audit:${planId ?? ""}`);
    const [head] = await tx
      .select({ hash: auditEvents.hash })
      .from(auditEvents)
      .where(planId === null ? isNull(auditEvents.planId) : eq(auditEvents.planId, planId))
      .orderBy(desc(auditEvents.id))
      .limit(1);
    const prevHash = head?.hash ?? GENESIS_HASH;
    const chained = {
      planId,
      userId: entry.userId ?? null,
      type: entry.type,
      detail: storedDetail(entry.detail),
      createdAt: new Date(),
    };
    await tx.insert(auditEvents).values({ ...chained, prevHash, hash: entryHash(chained, prevHash) });
  };
  await (tx ? write(tx) : store.transaction(write));
}

/** The plan's chain head (null before its first entry), for an export to print. */
export async function planAuditHead(store: Store, planId: string) {
  const { auditEvents } = store.tables;
  const [head] = await store.db
    .select({ id: auditEvents.id, at: auditEvents.createdAt, hash: auditEvents.hash })
    .from(auditEvents)
    .where(eq(auditEvents.planId, planId))
    .orderBy(desc(auditEvents.id))
    .limit(1);
  return head ?? null;
}

/** Whether the plan's chain holds, and if not the first entry that does not. */
export async function planChainStatus(store: Store, planId: string) {
  const report = await verifyStoreChains(store, planId);
  return { entries: report.entries, head: report.heads[0] ?? null, broken: report.broken };
}

export interface AuditFilter {
  /** Only what this person did. */
  userId?: string;
  /** Only events of this type (e.g. `signoff.signed`). */
  type?: string;
  limit?: number;
}

/** The plan's audit log, newest first, with each actor's name and email. */
export async function planAuditLog(store: Store, planId: string, filter: AuditFilter = {}) {
  const { auditEvents, users } = store.tables;
  return store.db
    .select({
      id: auditEvents.id,
      type: auditEvents.type,
      at: auditEvents.createdAt,
      actor: { id: users.id, name: users.name, email: users.email },
      detail: auditEvents.detail,
      prevHash: auditEvents.prevHash,
      hash: auditEvents.hash,
    })
    .from(auditEvents)
    .leftJoin(users, eq(users.id, auditEvents.userId))
    .where(
      and(
        eq(auditEvents.planId, planId),
        filter.userId ? eq(auditEvents.userId, filter.userId) : undefined,
        filter.type ? eq(auditEvents.type, filter.type) : undefined,
      ),
    )
    .orderBy(desc(auditEvents.id))
    .limit(filter.limit ?? 500);
}

export type AuditLogEntry = Awaited<ReturnType<typeof planAuditLog>>[number];

/**
 * The log as a person reads it: each entry with a sentence naming the people and sections it
 * concerns (members who have since left included), and its raw detail beside it.
 */
export async function planActivity(
  store: Store,
  plan: { id: string; template: PlanTemplate },
  filter: AuditFilter = {},
) {
  const { users } = store.tables;
  const entries = await planAuditLog(store, plan.id, filter);
  const ids = [...new Set(entries.flatMap((entry) => peopleNamed(entry.detail)))];
  const people = new Map(
    ids.length
      ? (await store.db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, ids))).map(
          (row) => [row.id, row.name],
        )
      : [],
  );
  const sections = new Map(plan.template.sections.map((section) => [section.key, section.title]));
  return entries.map((entry) => ({
    ...entry,
    sentence: activitySentence(
      { type: entry.type, actor: entry.actor?.name ?? null, detail: entry.detail },
      {
        people,
        sections,
      },
    ),
  }));
}

/** The people and event types in the plan's log, to filter it by. */
export async function planAuditFacets(store: Store, planId: string) {
  const { auditEvents, users } = store.tables;
  const people = await store.db
    .selectDistinct({ id: users.id, name: users.name })
    .from(auditEvents)
    .innerJoin(users, eq(users.id, auditEvents.userId))
    .where(eq(auditEvents.planId, planId))
    .orderBy(users.name);
  const types = (
    await store.db
      .selectDistinct({ type: auditEvents.type })
      .from(auditEvents)
      .where(eq(auditEvents.planId, planId))
      .orderBy(auditEvents.type)
  ).map((row) => row.type);
  return { people, types };
}

const CSV_COLUMNS = ["id", "at", "type", "actor", "email", "detail", "prevHash", "hash"] as const;

/** The log as CSV, with cells a spreadsheet would run as formulas defused. */
export function auditCsv(entries: AuditLogEntry[]): string {
  return toCsv([
    CSV_COLUMNS,
    ...entries.map((entry) => [
      String(entry.id),
      entry.at.toISOString(),
      entry.type,
      entry.actor?.name ?? "",
      entry.actor?.email ?? "",
      entry.detail ? JSON.stringify(entry.detail) : "",
      entry.prevHash,
      entry.hash,
    ]),
  ]);
}
