import { eq } from "drizzle-orm";
import { fieldText } from "../../app/shared/section-rows";
import { sectionData } from "../plans/plan-content.server";
import type { Store } from "../../db/store.server";
import type { Plan } from "../../db/schema";
import type { RoomRegistry } from "../collab/rooms.server";
import type { SignoffWorkflow } from "../signoffs/signoff-workflow.server";
import type { NotificationInput, NotificationSink } from "./notification-service.server";

const DAY_MS = 24 * 60 * 60 * 1000;

export function sectionUrl(planId: string, sectionKey: string): string {
  return `/plans/${planId}#section-${sectionKey}`;
}

/**
 * The daily check: milestones due (told to their owners) and sign-offs due (told to the
 * people asked, by the sign-off workflow).
 */
export class PlanNotices {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly rooms: RoomRegistry,
    private readonly workflow: SignoffWorkflow,
    private readonly sink: NotificationSink,
  ) {}

  /** Checks after `firstDelayMs` (it reads every plan, so not in the middle of starting), then once a day. */
  startDailyMilestoneCheck(firstDelayMs: number): void {
    const check = () => {
      void this.checkMilestones()
        .then(() => this.workflow.remindDue())
        .catch((error: unknown) => console.error("daily check failed:", error));
    };
    this.timer = setTimeout(() => {
      check();
      this.timer = setInterval(check, DAY_MS);
      this.timer.unref();
    }, firstDelayMs);
    this.timer.unref();
  }

  stop(): void {
    clearTimeout(this.timer);
    clearInterval(this.timer);
  }

  /**
   * Tells each milestone's owner (the plan member whose name the row's owner field holds) when
   * it is due within 7 days or overdue and not done: once per milestone and due date.
   */
  async checkMilestones(today = new Date()): Promise<number> {
    const items: NotificationInput[] = [];
    for (const plan of await this.store.db.select().from(this.store.tables.plans)) {
      // One plan's content (or a fault reading it) never stops the check for the others.
      try {
        items.push(...(await this.milestonesDue(plan, today)));
      } catch (error) {
        console.error(`milestone check: skipped plan ${plan.id}:`, error);
      }
    }
    await this.sink.notify(items, null);
    return items.length;
  }

  private async milestonesDue(plan: Plan, today: Date): Promise<NotificationInput[]> {
    const sections = plan.template.sections.filter((s) => s.kind === "milestones");
    if (sections.length === 0) return [];
    const { planMembers, users } = this.store.tables;
    const members = await this.store.db
      .select({ id: users.id, name: users.name })
      .from(planMembers)
      .innerJoin(users, eq(users.id, planMembers.userId))
      .where(eq(planMembers.planId, plan.id));
    const byName = new Map(members.map((m) => [m.name.trim().toLowerCase(), m.id]));
    const rows = await this.rooms.read(plan.id, (doc) =>
      sections.flatMap((section) => (sectionData(doc, section.key).rows ?? []).map((row) => ({ section, row }))),
    );
    const items: NotificationInput[] = [];
    for (const { section, row } of rows) {
      const due = fieldText(row.due);
      const ownerId = byName.get(fieldText(row.owner).trim().toLowerCase());
      if (!ownerId || !/^\d{4}-\d{2}-\d{2}$/.test(due) || fieldText(row.status) === "done") continue;
      const days = Math.floor((Date.parse(`${due}T00:00:00Z`) - startOfDay(today)) / DAY_MS);
      if (!Number.isFinite(days) || days > 7) continue;
      const name = fieldText(row.milestone) || "A milestone";
      items.push({
        userId: ownerId,
        type: "milestone-due",
        planId: plan.id,
        text:
          days < 0
            ? `“${name}” in ${plan.title} was due on ${due} and is not done`
            : `“${name}” in ${plan.title} is due ${days === 0 ? "today" : `in ${days} day${days === 1 ? "" : "s"}`} (${due})`,
        url: sectionUrl(plan.id, section.key),
        eventKey: `milestone-due:${plan.id}:${row.id}:${due}`,
      });
    }
    return items;
  }
}

function startOfDay(date: Date): number {
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
}
