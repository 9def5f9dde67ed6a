import { sectionData } from "../plans/plan-content.server";
import { isOverdueMilestone, sideProgress, ukToday, type PortfolioRow } from "../../app/shared/portfolio";
import type { Db } from "../../db/client.server";
import type { Plan } from "../../db/schema";
import type { RoomRegistry } from "../collab/rooms.server";
import type { CommentService } from "../comments/comment-service.server";
import { visiblePlans, type Viewer } from "../plans/visible-plans.server";
import type { SearchService } from "../search/search-service.server";
import type { SignoffService } from "../signoffs/signoff-service.server";

/**
 * Every plan a person may read, with the figures a programme manager follows. Each figure comes
 * from the code the plan's own API uses: sign-off state from the sign-off service over the
 * plan's document, open threads from the comment service, milestones from the timescales data.
 */
export class PortfolioService {
  constructor(
    private readonly db: Db,
    private readonly rooms: RoomRegistry,
    private readonly signoffs: SignoffService,
    private readonly comments: CommentService,
    private readonly search: SearchService,
  ) {}

  list(viewer: Viewer, now = new Date()): PortfolioRow[] {
    const plans = visiblePlans(this.db, viewer);
    const ids = plans.map((plan) => plan.id);
    const openComments = this.comments.openThreadCounts(ids);
    const lastEdits = this.search.lastEdits(ids);
    const today = ukToday(now);
    return plans.map((plan) => {
      const { signoff, overdueMilestones } = this.rooms.peek(plan.id, (doc) => ({
        signoff: this.signoffs.view(plan, doc),
        overdueMilestones: overdueMilestonesOf(plan, (key) => sectionData(doc, key), today),
      }));
      const sections = Object.values(signoff.sections);
      return {
        id: plan.id,
        title: plan.title,
        area: plan.area,
        templateId: plan.templateId,
        templateTitle: plan.template.title,
        status: signoff.status,
        sides: sideProgress(sections),
        stale: sections.filter((section) => section.state === "stale").length,
        openComments: openComments.get(plan.id) ?? 0,
        overdueMilestones,
        updatedAt: (lastEdits.get(plan.id) ?? plan.createdAt).toISOString(),
      };
    });
  }
}

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
