import { eq, inArray } from "drizzle-orm";
import type { SqliteDb } from "../../db/client.server";
import { planListStates, plans, type Plan } from "../../db/schema";
import type { PlanChange } from "../../app/shared/plan-input";
import type { PlanShow, PlanSort } from "../../app/shared/plan-list";
import type { PlanStatus } from "../../app/shared/signoff-state";
import type { Role } from "../../app/shared/permissions";
import type { PlanRoom } from "../collab/room.server";
import type { RoomExtension, RoomRegistry } from "../collab/rooms.server";
import type { SignoffService } from "../signoffs/signoff-service.server";
import { recordAuditSync } from "./audit.server";
import type { PlanAccessService, Person } from "./plan-access.server";

export interface PlanListRow {
  id: string;
  title: string;
  area: string;
  role: Role;
  /** The signatories whose deputy the user is on this plan now. */
  standsInFor: Person[];
  status: PlanStatus;
  signed: number;
  total: number;
  stale: number;
  editedAt: Date;
  archived: boolean;
}

/** How often at most a plan's "last edited" time is written while people type. */
const EDITED_WRITE_MS = 60_000;

/** The plans list: each plan's progress and when it last changed; renaming, archiving, deleting. */
export class PlanListService {
  constructor(
    private readonly db: SqliteDb,
    private readonly rooms: RoomRegistry,
    private readonly access: PlanAccessService,
    private readonly signoffs: SignoffService,
  ) {}

  async list(userId: string, { show, sort }: { show: PlanShow; sort: PlanSort }): Promise<PlanListRow[]> {
    const mine = this.access.listForUser(userId);
    const states = new Map(
      mine.length === 0
        ? []
        : this.db
            .select()
            .from(planListStates)
            .where(
              inArray(
                planListStates.planId,
                mine.map((plan) => plan.id),
              ),
            )
            .all()
            .map((state) => [state.planId, state]),
    );
    const listed = mine
      .map((summary) => {
        const state = states.get(summary.id);
        return { summary, archived: Boolean(state?.archivedAt), editedAt: state?.editedAt ?? summary.createdAt };
      })
      .filter(({ archived }) => show === "all" || archived === (show === "archived"))
      .map(async ({ summary, archived, editedAt }): Promise<PlanListRow> => {
        const plan = this.db.select().from(plans).where(eq(plans.id, summary.id)).get()!;
        const view = await this.signoffs.current(plan);
        const stale = Object.values(view.sections).filter((section) => section.state === "stale").length;
        const { id, title, area, role, standsInFor } = summary;
        return {
          id,
          title,
          area,
          role,
          standsInFor,
          status: view.status,
          signed: view.signed,
          total: view.total,
          stale,
          editedAt,
          archived,
        };
      });
    return (await Promise.all(listed)).sort(COMPARE[sort]);
  }

  change(plan: Plan, userId: string, change: PlanChange): void {
    this.db.transaction((tx) => {
      if (change.title !== undefined || change.area !== undefined) {
        tx.update(plans)
          .set({ title: change.title ?? plan.title, area: change.area ?? plan.area })
          .where(eq(plans.id, plan.id))
          .run();
      }
      if (change.archived !== undefined) {
        const archivedAt = change.archived ? new Date() : null;
        tx.insert(planListStates)
          .values({ planId: plan.id, archivedAt })
          .onConflictDoUpdate({ target: planListStates.planId, set: { archivedAt } })
          .run();
      }
      recordAuditSync(tx, { planId: plan.id, userId, type: "plan.changed", detail: change });
    });
  }

  /**
   * Deletes the plan and everything in it but its audit log, which ends with the deletion;
   * anyone connected is disconnected.
   */
  remove(plan: Plan, userId: string): void {
    this.db.transaction((tx) => {
      recordAuditSync(tx, {
        planId: plan.id,
        userId,
        type: "plan.deleted",
        detail: { title: plan.title, area: plan.area },
      });
      tx.delete(plans).where(eq(plans.id, plan.id)).run();
    });
    this.rooms.discard(plan.id);
  }

  recordEdit(planId: string, at: Date): void {
    this.db
      .insert(planListStates)
      .values({ planId, editedAt: at })
      .onConflictDoUpdate({ target: planListStates.planId, set: { editedAt: at } })
      .run();
  }
}

const COMPARE: Record<PlanSort, (a: PlanListRow, b: PlanListRow) => number> = {
  edited: (a, b) => b.editedAt.getTime() - a.editedAt.getTime(),
  title: (a, b) => a.title.localeCompare(b.title, "en-GB"),
  area: (a, b) => a.area.localeCompare(b.area, "en-GB") || a.title.localeCompare(b.title, "en-GB"),
  progress: (a, b) => b.signed / (b.total || 1) - a.signed / (a.total || 1),
};

/**
 * Notes when a plan's document changes, for "last edited" in the plans list: the first change
 * after a quiet minute is written at once, later ones at most once a minute.
 */
export class PlanActivity implements RoomExtension {
  constructor(private readonly record: (planId: string, at: Date) => void) {}

  attach(room: PlanRoom) {
    let lastWrite = 0;
    let timer: NodeJS.Timeout | undefined;
    const onUpdate = () => {
      const now = Date.now();
      if (now - lastWrite >= EDITED_WRITE_MS) {
        lastWrite = now;
        this.record(room.planId, new Date(now));
      } else if (!timer) {
        timer = setTimeout(
          () => {
            timer = undefined;
            lastWrite = Date.now();
            this.record(room.planId, new Date(lastWrite));
          },
          EDITED_WRITE_MS - (now - lastWrite),
        );
        timer.unref();
      }
    };
    room.doc.on("update", onUpdate);
    return () => {
      room.doc.off("update", onUpdate);
      if (timer) clearTimeout(timer);
    };
  }
}
