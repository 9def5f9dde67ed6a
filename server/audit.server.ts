import { desc, eq } from "drizzle-orm";
import type { Db } from "../db/client.server";
import { auditEvents, type AuditEvent } from "../db/schema";

export type AuditEntry = Pick<typeof auditEvents.$inferInsert, "planId" | "userId" | "type" | "detail">;

/** Takes the database or a transaction, so an event commits with the change it records. */
export function recordAudit(db: Pick<Db, "insert">, entry: AuditEntry): void {
  db.insert(auditEvents).values(entry).run();
}

export function planAuditLog(db: Db, planId: string, limit = 500): AuditEvent[] {
  return db
    .select()
    .from(auditEvents)
    .where(eq(auditEvents.planId, planId))
    .orderBy(desc(auditEvents.id))
    .limit(limit)
    .all();
}
