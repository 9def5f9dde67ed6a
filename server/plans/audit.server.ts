import { desc, eq } from "drizzle-orm";
import type { Db } from "../../db/client.server";
import { auditEvents, users } from "../../db/schema";

export type AuditEntry = Pick<typeof auditEvents.$inferInsert, "planId" | "userId" | "type" | "detail">;

/** Takes the database or a transaction, so an event commits with the change it records. */
export function recordAudit(db: Pick<Db, "insert">, entry: AuditEntry): void {
  db.insert(auditEvents).values(entry).run();
}

/** The plan's audit log, newest first, with each actor's name and email. */
export function planAuditLog(db: Db, planId: string, limit = 500) {
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
    .where(eq(auditEvents.planId, planId))
    .orderBy(desc(auditEvents.id))
    .limit(limit)
    .all();
}
