import { and, desc, eq } from "drizzle-orm";
import type { Db } from "../../db/client.server";
import { auditEvents, users } from "../../db/schema";
import { toCsv } from "../../app/shared/csv";

export type AuditEntry = Pick<typeof auditEvents.$inferInsert, "planId" | "userId" | "type" | "detail">;

/** Takes the database or a transaction, so an event commits with the change it records. */
export function recordAudit(db: Pick<Db, "insert">, entry: AuditEntry): void {
  db.insert(auditEvents).values(entry).run();
}

export interface AuditFilter {
  /** Only what this person did. */
  userId?: string;
  /** Only events of this type (e.g. `signoff.signed`). */
  type?: string;
  limit?: number;
}

/** The plan's audit log, newest first, with each actor's name and email. */
export function planAuditLog(db: Db, planId: string, filter: AuditFilter = {}) {
  return db
    .select({
      id: auditEvents.id,
      type: auditEvents.type,
      at: auditEvents.createdAt,
      actor: { id: users.id, name: users.name, email: users.email },
      detail: auditEvents.detail,
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
    .limit(filter.limit ?? 500)
    .all();
}

/** The people and event types in the plan's log, to filter it by. */
export function planAuditFacets(db: Db, planId: string) {
  const people = db
    .selectDistinct({ id: users.id, name: users.name })
    .from(auditEvents)
    .innerJoin(users, eq(users.id, auditEvents.userId))
    .where(eq(auditEvents.planId, planId))
    .orderBy(users.name)
    .all();
  const types = db
    .selectDistinct({ type: auditEvents.type })
    .from(auditEvents)
    .where(eq(auditEvents.planId, planId))
    .orderBy(auditEvents.type)
    .all()
    .map((row) => row.type);
  return { people, types };
}

const CSV_COLUMNS = ["id", "at", "type", "actor", "email", "detail"] as const;

/** The log as CSV, with cells a spreadsheet would run as formulas defused. */
export function auditCsv(entries: ReturnType<typeof planAuditLog>): string {
  return toCsv([
    CSV_COLUMNS,
    ...entries.map((entry) => [
      String(entry.id),
      entry.at.toISOString(),
      entry.type,
      entry.actor?.name ?? "",
      entry.actor?.email ?? "",
      entry.detail ? JSON.stringify(entry.detail) : "",
    ]),
  ]);
}
