import * as Y from "yjs";
import { sectionDataName } from "../../app/shared/doc-names";
import { isStructuredKind } from "../../app/shared/structured-fields";
import type { Plan } from "../../db/schema";
import { guarded } from "../collab/guard.server";
import { isPeer, type PlanRoom } from "../collab/room.server";
import type { RoomExtension } from "../collab/rooms.server";
import { moduleLog } from "../log.server";
import type { AuditEntry } from "./audit.server";

const logger = moduleLog("audit");

/**
 * Table edits that can cost a plan its money or many rows at once, in the audit log. They are
 * made in the browser (an import, a paste, removing a financial year), so the server learns of
 * them as a person's document update, the one place it sees them: a financial year taken out of
 * a budget (`budget.year-removed`, with the money its rows hold in that year), and an update
 * that adds, removes or rewrites several rows of a table at once (`table.rows-changed`). An
 * import and a multi-row paste look alike there, so the entry names the rows, not the cause.
 * The server's own edits (a restore) are audited where they are made.
 */
export class TableActivity implements RoomExtension {
  constructor(private readonly record: (entry: AuditEntry) => Promise<void>) {}

  attach(room: PlanRoom, plan: Plan): () => void {
    // One after another, across updates too, so that the log keeps them in the order the plan
    // took them: two transactions started together may commit in either order.
    let previous: Promise<void> = Promise.resolve();
    const detach = plan.template.sections
      .filter((section) => isStructuredKind(section.kind))
      .map(({ key }) => {
        const data = room.doc.getMap(sectionDataName(key));
        const observe = guarded(
          `noting table edits of plan ${room.planId}`,
          (events: Y.YEvent<Y.AbstractType<unknown>>[], transaction: Y.Transaction) => {
            if (!isPeer(transaction.origin)) return;
            const userId = transaction.origin.userId;
            const changes = tableChanges(data, events);
            if (changes.length === 0) return;
            const recorded = previous.then(async () => {
              for (const entry of changes) {
                await this.record({
                  planId: room.planId,
                  userId,
                  type: entry.type,
                  detail: { sectionKey: key, ...entry.detail },
                });
              }
            });
            previous = recorded.catch((error: unknown) =>
              logger.error({ err: error, planId: room.planId }, "failed to record table edits in the audit log"),
            );
          },
        );
        data.observeDeep(observe);
        return () => data.unobserveDeep(observe);
      });
    return () => detach.forEach((off) => off());
  }
}

/** At least this many rows touched by one update make it a change to the table as a whole. */
const MANY_ROWS = 2;

interface TableChange {
  type: "budget.year-removed" | "table.rows-changed";
  detail: Record<string, unknown>;
}

/** What one update did to a section's tables that the audit log keeps. */
function tableChanges(data: Y.Map<unknown>, events: Y.YEvent<Y.AbstractType<unknown>>[]): TableChange[] {
  const rows = data.get("rows");
  const years = data.get("years");
  const out: TableChange[] = [];
  let added = 0;
  let removed = 0;
  const inserted = new Set<unknown>();
  const rewritten = new Set<Y.AbstractType<unknown>>();
  for (const event of events) {
    if (event.target === rows) {
      for (const part of event.changes.delta) {
        if (Array.isArray(part.insert)) added += part.insert.length;
        if (typeof part.delete === "number") removed += part.delete;
      }
      for (const item of event.changes.added) for (const row of item.content.getContent()) inserted.add(row);
    } else if (event.target === years) {
      // The deleted items still hold their content while observers run.
      for (const item of event.changes.deleted) {
        for (const year of item.content.getContent()) {
          if (typeof year === "string") out.push(yearRemoved(rows, year));
        }
      }
    } else {
      const row = rowOf(event.target, rows);
      if (row) rewritten.add(row);
    }
  }
  const updated = [...rewritten].filter((row) => !inserted.has(row)).length;
  if (added + removed + updated >= MANY_ROWS) {
    out.push({ type: "table.rows-changed", detail: { added, removed, updated } });
  }
  return out;
}

/** The row (a map in `rows`) a nested type belongs to, if any. */
function rowOf(type: Y.AbstractType<unknown>, rows: unknown): Y.AbstractType<unknown> | null {
  let current: Y.AbstractType<unknown> = type;
  while (current._item) {
    const parent = current._item.parent;
    if (parent === rows) return current;
    if (!(parent instanceof Y.AbstractType)) return null;
    current = parent;
  }
  return null;
}

/** A removed year and the money its rows still hold in it (the amounts stay, so Undo restores them). */
function yearRemoved(rows: unknown, year: string): TableChange {
  let pence = 0;
  if (rows instanceof Y.Array) {
    for (const row of rows.toArray()) {
      const amounts = row instanceof Y.Map ? row.get("amounts") : undefined;
      const amount = amounts instanceof Y.Map ? amounts.get(year) : undefined;
      if (typeof amount === "number" && Number.isSafeInteger(amount)) pence += amount;
    }
  }
  return { type: "budget.year-removed", detail: { year, pence } };
}
