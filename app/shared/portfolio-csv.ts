import { toCsv } from "./csv";
import type { PortfolioRow } from "./portfolio";

const HEADER = [
  "Plan",
  "Area",
  "Template",
  "Status",
  "Local signed",
  "Local sections",
  "Whitehall signed",
  "Whitehall sections",
  "Stale sections",
  "Open comments",
  "Overdue milestones",
  "Returned",
  "Overdue sign-offs",
  "Open suggestions",
  "Last edit",
];

/** The rows as a CSV file, cells that look like formulas defused. */
export function portfolioCsv(rows: readonly PortfolioRow[]): string {
  return toCsv([
    HEADER,
    ...rows.map((row) => [
      row.title,
      row.area,
      row.templateTitle,
      row.status,
      row.sides.local.signed,
      row.sides.local.total,
      row.sides.whitehall.signed,
      row.sides.whitehall.total,
      row.stale,
      row.openComments,
      row.overdueMilestones,
      row.returned,
      row.overdueSignoffs,
      row.openSuggestions,
      row.updatedAt,
    ]),
  ]);
}
