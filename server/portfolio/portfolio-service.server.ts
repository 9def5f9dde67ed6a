import { inArray, sql } from "drizzle-orm";
import { sectionData } from "../plans/plan-content.server";
import { isOverdueMilestone, sideProgress, ukToday, type PortfolioRow } from "../../app/shared/portfolio";
import type { Plan } from "../../db/schema";
import type { Store } from "../../db/store.server";
import type { RoomRegistry } from "../collab/rooms.server";
import type { EventBus } from "../events/event-bus.server";
import type { CommentService } from "../comments/comment-service.server";
import type { PlanAccessService, Viewer } from "../plans/plan-access.server";
import type { SearchService } from "../search/search-service.server";
import type { SignoffService } from "../signoffs/signoff-service.server";
import { openTextSuggestions } from "../../app/shared/suggestion-runs";

/**
 * Every plan a person may read, with the figures a programme manager follows. Each figure comes
 * from the code the plan's own API uses: sign-off state from the sign-off service over the
 * plan's document, open threads from the comment service, milestones from the timescales data.
 */
export class PortfolioService {
  /**
   * The figures read from each plan's document, with the document version and day they hold
   * for: reading 1,000 documents for every request would take seconds. A sign-off change
   * (published as a plan event) drops the plan's entry.
   */
  private readonly fromDocuments = new Map<string, { version: number; today: string; figures: DocumentFigures }>();

  constructor(
    private readonly store: Store,
    private readonly access: PlanAccessService,
    private readonly rooms: RoomRegistry,
    private readonly signoffs: SignoffService,
    private readonly comments: CommentService,
    private readonly search: SearchService,
    events: EventBus,
    /** Open cell proposals per plan: they are not in the document (decision 0034). */
    private readonly openCellCounts: (planIds: readonly string[]) => Promise<Map<string, number>>,
  ) {
    events.subscribe("plan-event", ({ planId, event }) => {
      if (event.type === "signoffs") this.fromDocuments.delete(planId);
    });
  }

  async list(viewer: Viewer, now = new Date()): Promise<PortfolioRow[]> {
    const plans = await this.access.visiblePlans(viewer);
    const ids = plans.map((plan) => plan.id);
    const openComments = await this.comments.openThreadCounts(ids);
    const lastEdits = await this.search.lastEdits(ids);
    const today = ukToday(now);
    const versions = await this.documentVersions(ids);
    const openCells = await this.openCellCounts(ids);
    const rows: PortfolioRow[] = [];
    // One plan after another: a plan that is not loaded is read into a document of its own, and
    // reading them all at once would hold every one in memory together.
    for (const plan of plans) {
      const { openTextSuggestions, ...figures } = await this.documentFigures(plan, versions.get(plan.id) ?? 0, today);
      rows.push({
        id: plan.id,
        title: plan.title,
        area: plan.area,
        templateId: plan.templateId,
        templateTitle: plan.template.title,
        ...figures,
        openSuggestions: openTextSuggestions + (openCells.get(plan.id) ?? 0),
        openComments: openComments.get(plan.id) ?? 0,
        updatedAt: (lastEdits.get(plan.id) ?? plan.createdAt).toISOString(),
      });
    }
    return rows;
  }

  /**
   * Each section of a plan the viewer may read, with its sign-off state and current records
   * per side (the plan API's `signoff`), or null when they may not read it. Administrators see
   * plans they are not members of, which the plan API would not show them.
   */
  async sections(viewer: Viewer, planId: string) {
    const plan = await this.access.visiblePlan(viewer, planId);
    if (!plan) return null;
    const signoff = await this.signoffs.current(plan);
    return {
      id: plan.id,
      title: plan.title,
      sections: plan.template.sections.map(({ key, title, signoff: requiredSides }) => ({
        key,
        title,
        requiredSides,
        signoff: {
          state: signoff.sections[key]!.state,
          records: signoff.sections[key]!.records,
          returned: signoff.sections[key]!.returned,
          due: signoff.sections[key]!.due,
          request: signoff.sections[key]!.request,
        },
      })),
    };
  }

  private async documentFigures(plan: Plan, version: number, today: string): Promise<DocumentFigures> {
    const cached = this.fromDocuments.get(plan.id);
    if (cached && cached.version === version && cached.today === today) return cached.figures;
    const signoffIn = await this.signoffs.viewer(plan);
    const figures = await this.rooms.peek(plan.id, (doc) => {
      const signoff = signoffIn(doc);
      const sections = Object.values(signoff.sections);
      return {
        status: signoff.status,
        sides: sideProgress(sections),
        stale: sections.filter((section) => section.state === "stale").length,
        overdueMilestones: overdueMilestonesOf(plan, (key) => sectionData(doc, key), today),
        returned: sections.filter((section) => section.returned !== null).length,
        overdueSignoffs: sections.filter((section) => section.due !== null && section.due < today).length,
        openTextSuggestions: openTextSuggestions(
          doc,
          plan.template.sections.map((section) => section.key),
        ).size,
      };
    });
    this.fromDocuments.set(plan.id, { version, today, figures });
    return figures;
  }

  /**
   * The id of each plan's newest stored update (update ids count on past compaction, so a
   * changed document always has a higher one). Loaded plans store each turn's edits at its end.
   */
  private async documentVersions(planIds: readonly string[]): Promise<Map<string, number>> {
    if (planIds.length === 0) return new Map();
    const { plans, planUpdates, planSnapshots } = this.store.tables;
    // The greater of the two is taken here: SQLite's two-argument max() is PostgreSQL's greatest().
    // The plan's id is named with its table: unqualified, "id" inside the subqueries would be
    // the update's own (plan_updates.seq is stored as "id").
    const planId = sql`${sql.identifier("plans")}.${sql.identifier("id")}`;
    const rows = await this.store.db
      .select({
        planId: plans.id,
        updates:
          sql`coalesce((select max(${planUpdates.seq}) from ${planUpdates} where ${planUpdates.planId} = ${planId}), 0)`.mapWith(
            Number,
          ),
        snapshots:
          sql`coalesce((select max(${planSnapshots.upToUpdateId}) from ${planSnapshots} where ${planSnapshots.planId} = ${planId}), 0)`.mapWith(
            Number,
          ),
      })
      .from(plans)
      .where(inArray(plans.id, [...planIds]));
    return new Map(rows.map((row) => [row.planId, Math.max(row.updates, row.snapshots)]));
  }
}

type DocumentFigures = Pick<
  PortfolioRow,
  "status" | "sides" | "stale" | "overdueMilestones" | "returned" | "overdueSignoffs"
> & { openTextSuggestions: number };

function overdueMilestonesOf(plan: Plan, dataOf: (key: string) => Record<string, unknown>, today: string): number {
  let count = 0;
  for (const section of plan.template.sections) {
    if (section.kind !== "milestones") continue;
    const rows = dataOf(section.key).rows;
    if (!Array.isArray(rows)) continue;
    for (const row of rows) {
      if (row && typeof row === "object" && isOverdueMilestone(row as Record<string, unknown>, today)) count++;
    }
  }
  return count;
}
