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
  "Last edit",
];

/**
 * A cell as RFC 4180 wants it; one that a spreadsheet would run as a formula (starting with
 * `=`, `+`, `-`, `@`, a tab or a return) is prefixed with an apostrophe, so a plan's title
 * cannot execute when the file is opened.
 */
function cell(value: string | number): string {
  let text = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The rows as a CSV file (CRLF line ends, as spreadsheets expect). */
export function portfolioCsv(rows: readonly PortfolioRow[]): string {
  const lines = [
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
      row.updatedAt,
    ]),
  ];
  return lines.map((line) => line.map(cell).join(",")).join("\r\n") + "\r\n";
}
