import { SIDES, type Side } from "./permissions";
import type { SectionSignoffView } from "./plan-events";
import type { PlanStatus } from "./signoff-state";

/** One plan as the portfolio lists it (the `GET /api/portfolio` shape). */
export interface PortfolioRow {
  id: string;
  title: string;
  area: string;
  templateId: string;
  templateTitle: string;
  status: PlanStatus;
  sides: Record<Side, { signed: number; total: number }>;
  /** Sections whose sign-off went stale. */
  stale: number;
  /** Threads neither resolved nor deleted. */
  openComments: number;
  overdueMilestones: number;
  /** Sections returned by a signatory and not changed since. */
  returned: number;
  /** Sections whose open sign-off request's due date has passed. */
  overdueSignoffs: number;
  /** Suggestions neither accepted, rejected nor withdrawn: narrative ones and cell proposals. */
  openSuggestions: number;
  /** When the plan's words last changed (ISO). */
  updatedAt: string;
}

/**
 * Per side, the sections that side must sign and how many of them it has signed on their
 * current wording (a stale sign-off does not count).
 */
export function sideProgress(sections: readonly Pick<SectionSignoffView, "requiredSides" | "records">[]) {
  const progress = Object.fromEntries(SIDES.map((side) => [side, { signed: 0, total: 0 }])) as Record<
    Side,
    { signed: number; total: number }
  >;
  for (const section of sections) {
    for (const side of section.requiredSides) {
      progress[side].total++;
      if (section.records.some((record) => record.side === side && record.fresh)) progress[side].signed++;
    }
  }
  return progress;
}

const londonDate = new Intl.DateTimeFormat("en-CA", {
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  timeZone: "Europe/London",
});

/** Today's date in the UK, as `YYYY-MM-DD` (how milestone due dates are stored). */
export function ukToday(now = new Date()): string {
  return londonDate.format(now);
}

/** A milestone is overdue once its due date has passed and it is not done. */
export function isOverdueMilestone(row: Record<string, unknown>, today: string): boolean {
  const due = row.due;
  return typeof due === "string" && /^\d{4}-\d{2}-\d{2}$/.test(due) && due < today && row.status !== "done";
}
