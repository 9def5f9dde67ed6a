import { eq, inArray } from "drizzle-orm";
import type { Plan } from "../../db/schema";
import type { Store } from "../../db/store.server";
import type { PlanChange } from "../../app/shared/plan-input";
import type { PlanShow, PlanSort } from "../../app/shared/plan-list";
import type { PlanStatus } from "../../app/shared/signoff-state";
import type { Role } from "../../app/shared/permissions";
import type { PlanRoom } from "../collab/room.server";
import type { RoomExtension, RoomRegistry } from "../collab/rooms.server";
import type { SignoffService } from "../signoffs/signoff-service.server";
import { moduleLog } from "../log.server";
import { recordAudit } from "./audit.server";
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

const logger = moduleLog("plans");

/** How often at most a plan's "last edited" time is written while people type. */
const EDITED_WRITE_MS = 60_000;

/** The plans list: each plan's progress and when it last changed; renaming, archiving, deleting. */
export class PlanListService {
  constructor(
    private readonly store: Store,
    private readonly rooms: RoomRegistry,
    private readonly access: PlanAccessService,
    private readonly signoffs: SignoffService,
  ) {}

  async list(userId: string, { show, sort }: { show: PlanShow; sort: PlanSort }): Promise<PlanListRow[]> {
    const { planListStates, plans } = this.store.tables;
    const mine = await this.access.listForUser(userId);
    const states = new Map(
      mine.length === 0
        ? []
        : (
            await this.store.db
              .select()
              .from(planListStates)
              .where(
                inArray(
                  planListStates.planId,
                  mine.map((plan) => plan.id),
                ),
              )
          ).map((state) => [state.planId, state]),
    );
    const listed = mine
      .map((summary) => {
        const state = states.get(summary.id);
        return { summary, archived: Boolean(state?.archivedAt), editedAt: state?.editedAt ?? summary.createdAt };
      })
      .filter(({ archived }) => show === "all" || archived === (show === "archived"))
      .map(async ({ summary, archived, editedAt }): Promise<PlanListRow> => {
        const [plan] = await this.store.db.select().from(plans).where(eq(plans.id, summary.id));
        const view = await this.signoffs.current(plan!);
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

  async change(plan: Plan, userId: string, change: PlanChange): Promise<void> {
    const { planListStates, plans } = this.store.tables;
    await this.store.transaction(async (tx) => {
      if (change.title !== undefined || change.area !== undefined) {
        await tx
          .update(plans)
          .set({ title: change.title ?? plan.title, area: change.area ?? plan.area })
          .where(eq(plans.id, plan.id));
      }
      if (change.archived !== undefined) {
        const archivedAt = change.archived ? new Date() : null;
        await tx
          .insert(planListStates)
          .values({ planId: plan.id, archivedAt })
          .onConflictDoUpdate({ target: planListStates.planId, set: { archivedAt } });
      }
      await recordAudit(this.store, { planId: plan.id, userId, type: "plan.changed", detail: change }, tx);
    });
  }

  /**
   * Deletes the plan and everything in it but its audit log, which ends with the deletion;
   * anyone connected is disconnected.
   */
  async remove(plan: Plan, userId: string): Promise<void> {
    const { plans } = this.store.tables;
    await this.store.transaction(async (tx) => {
      await recordAudit(
        this.store,
        {
          planId: plan.id,
          userId,
          type: "plan.deleted",
          detail: { title: plan.title, area: plan.area },
        },
        tx,
      );
      await tx.delete(plans).where(eq(plans.id, plan.id));
    });
    this.rooms.discard(plan.id);
  }

  async recordEdit(planId: string, at: Date): Promise<void> {
    const { planListStates } = this.store.tables;
    await this.store.db
      .insert(planListStates)
      .values({ planId, editedAt: at })
      .onConflictDoUpdate({ target: planListStates.planId, set: { editedAt: at } });
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
  constructor(private readonly record: (planId: string, at: Date) => Promise<void>) {}

  attach(room: PlanRoom) {
    let lastWrite = 0;
    let timer: NodeJS.Timeout | undefined;
    const write = (at: Date) =>
      this.record(room.planId, at).catch((error: unknown) =>
        logger.error({ err: error, planId: room.planId }, "failed to note when the plan was last edited"),
      );
    const onUpdate = () => {
      const now = Date.now();
      if (now - lastWrite >= EDITED_WRITE_MS) {
        lastWrite = now;
        void write(new Date(now));
      } else if (!timer) {
        timer = setTimeout(
          () => {
            timer = undefined;
            lastWrite = Date.now();
            void write(new Date(lastWrite));
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
