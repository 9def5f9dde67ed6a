import { Link } from "@remix-run/react";
import { Fragment, useMemo, useState } from "react";
import { formatDateTime } from "~/shared/dates";
import type { PortfolioRow } from "~/shared/portfolio";
import { portfolioCsv } from "~/shared/portfolio-csv";
import { SignoffMatrix } from "./SignoffMatrix";
import { usePortfolioFeed } from "./usePortfolioFeed";

type Column = {
  key: string;
  label: string;
  value: (row: PortfolioRow) => string | number;
  numeric?: boolean;
};

const COLUMNS: Column[] = [
  { key: "title", label: "Plan", value: (row) => row.title.toLowerCase() },
  { key: "area", label: "Area", value: (row) => row.area.toLowerCase() },
  { key: "template", label: "Template", value: (row) => row.templateTitle.toLowerCase() },
  { key: "status", label: "Status", value: (row) => row.status },
  { key: "local", label: "Local signed", value: (row) => ratio(row.sides.local), numeric: true },
  { key: "whitehall", label: "Whitehall signed", value: (row) => ratio(row.sides.whitehall), numeric: true },
  { key: "stale", label: "Stale", value: (row) => row.stale, numeric: true },
  { key: "comments", label: "Open comments", value: (row) => row.openComments, numeric: true },
  { key: "overdue", label: "Overdue milestones", value: (row) => row.overdueMilestones, numeric: true },
  { key: "returned", label: "Returned", value: (row) => row.returned, numeric: true },
  { key: "overdueSignoffs", label: "Overdue sign-offs", value: (row) => row.overdueSignoffs, numeric: true },
  { key: "openSuggestions", label: "Open suggestions", value: (row) => row.openSuggestions, numeric: true },
  { key: "updated", label: "Last edit", value: (row) => row.updatedAt },
];

/** Each column's heading by key: a cell names its column when a phone shows the row as a card. */
const LABELS = Object.fromEntries(COLUMNS.map((column) => [column.key, column.label])) as Record<string, string>;

function ratio({ signed, total }: { signed: number; total: number }): number {
  return total === 0 ? 1 : signed / total;
}

interface Filters {
  area: string;
  template: string;
  status: string;
}

/** The plans with filters, sortable columns, a CSV download and each plan's sign-off matrix. */
export function PortfolioTable({ rows }: { rows: PortfolioRow[] }) {
  const [filters, setFilters] = useState<Filters>({ area: "", template: "", status: "" });
  const [sort, setSort] = useState<{ key: string; descending: boolean }>({ key: "updated", descending: true });
  const [open, setOpen] = useState<string | null>(null);
  const [versions, setVersions] = useState<Record<string, number>>({});
  usePortfolioFeed((planId) => setVersions((current) => ({ ...current, [planId]: (current[planId] ?? 0) + 1 })));

  const areas = useMemo(() => [...new Set(rows.map((row) => row.area))].sort(), [rows]);
  const templates = useMemo(
    () =>
      [...new Map(rows.map((row) => [row.templateId, row.templateTitle])).entries()].sort((a, b) =>
        a[1].localeCompare(b[1]),
      ),
    [rows],
  );
  const shown = useMemo(() => {
    const column = COLUMNS.find((candidate) => candidate.key === sort.key) ?? COLUMNS[0]!;
    return rows
      .filter(
        (row) =>
          (!filters.area || row.area === filters.area) &&
          (!filters.template || row.templateId === filters.template) &&
          (!filters.status || row.status === filters.status),
      )
      .sort((a, b) => {
        const x = column.value(a);
        const y = column.value(b);
        const order = x < y ? -1 : x > y ? 1 : a.title.localeCompare(b.title);
        return sort.descending ? -order : order;
      });
  }, [rows, filters, sort]);

  const download = () => {
    const url = URL.createObjectURL(new Blob([portfolioCsv(shown)], { type: "text/csv;charset=utf-8" }));
    const link = document.createElement("a");
    link.href = url;
    link.download = "portfolio.csv";
    link.click();
    URL.revokeObjectURL(url);
  };

  const filter = (name: keyof Filters) => (event: React.ChangeEvent<HTMLSelectElement>) =>
    setFilters((current) => ({ ...current, [name]: event.target.value }));

  return (
    <>
      <div className="portfolio-tools">
        <label>
          Area
          <select value={filters.area} onChange={filter("area")} data-testid="filter-area">
            <option value="">All areas</option>
            {areas.map((area) => (
              <option key={area}>{area}</option>
            ))}
          </select>
        </label>
        <label>
          Template
          <select value={filters.template} onChange={filter("template")} data-testid="filter-template">
            <option value="">All templates</option>
            {templates.map(([id, title]) => (
              <option key={id} value={id}>
                {title}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select value={filters.status} onChange={filter("status")} data-testid="filter-status">
            <option value="">Any status</option>
            <option value="draft">Draft</option>
            <option value="final">Final</option>
          </select>
        </label>
        <button type="button" className="button" onClick={download}>
          Download CSV
        </button>
        <p className="muted portfolio-count" role="status">
          {shown.length} of {rows.length} plans
        </p>
      </div>
      <div className="portfolio-scroll">
        <table className="portfolio-table" data-testid="portfolio-table">
          <thead>
            <tr>
              {COLUMNS.map((column) => {
                const active = sort.key === column.key;
                return (
                  <th
                    key={column.key}
                    scope="col"
                    aria-sort={active ? (sort.descending ? "descending" : "ascending") : "none"}
                    className={column.numeric ? "numeric" : undefined}
                  >
                    <button
                      type="button"
                      className="sort-button"
                      onClick={() =>
                        setSort({ key: column.key, descending: active ? !sort.descending : Boolean(column.numeric) })
                      }
                    >
                      {column.label}
                      <span aria-hidden="true">{active ? (sort.descending ? " ▼" : " ▲") : ""}</span>
                    </button>
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {shown.map((row) => (
              <Fragment key={row.id}>
                <tr data-plan={row.id}>
                  <th scope="row">
                    <button
                      type="button"
                      className="row-toggle"
                      aria-expanded={open === row.id}
                      aria-controls={`matrix-${row.id}`}
                      onClick={() => setOpen(open === row.id ? null : row.id)}
                    >
                      <span aria-hidden="true">{open === row.id ? "▾" : "▸"}</span>
                      <span className="visually-hidden">Sections of {row.title}</span>
                    </button>
                    <Link to={`/plans/${row.id}`}>{row.title}</Link>
                  </th>
                  <td data-label={LABELS.area}>{row.area}</td>
                  <td data-label={LABELS.template}>{row.templateTitle}</td>
                  <td data-label={LABELS.status}>
                    <span className={`plan-status plan-status--${row.status}`}>
                      {row.status === "final" ? "Final" : "Draft"}
                    </span>
                  </td>
                  <td data-label={LABELS.local} className="numeric" data-testid="local-progress">
                    {row.sides.local.signed} / {row.sides.local.total}
                  </td>
                  <td data-label={LABELS.whitehall} className="numeric" data-testid="whitehall-progress">
                    {row.sides.whitehall.signed} / {row.sides.whitehall.total}
                  </td>
                  <td data-label={LABELS.stale} className={`numeric${row.stale > 0 ? " attention" : ""}`}>
                    {row.stale}
                  </td>
                  <td data-label={LABELS.comments} className="numeric">
                    {row.openComments}
                  </td>
                  <td data-label={LABELS.overdue} className={`numeric${row.overdueMilestones > 0 ? " attention" : ""}`}>
                    {row.overdueMilestones}
                  </td>
                  <td
                    data-label={LABELS.returned}
                    className={`numeric${row.returned > 0 ? " attention" : ""}`}
                    data-testid="returned-count"
                  >
                    {row.returned}
                  </td>
                  <td
                    data-label={LABELS.overdueSignoffs}
                    className={`numeric${row.overdueSignoffs > 0 ? " attention" : ""}`}
                    data-testid="overdue-signoffs"
                  >
                    {row.overdueSignoffs}
                  </td>
                  <td data-label={LABELS.openSuggestions} className="numeric" data-testid="open-suggestions">
                    {row.openSuggestions}
                  </td>
                  <td data-label={LABELS.updated}>{formatDateTime(row.updatedAt)}</td>
                </tr>
                {open === row.id && (
                  <tr className="matrix-row" id={`matrix-${row.id}`}>
                    <td colSpan={COLUMNS.length}>
                      <SignoffMatrix planId={row.id} version={versions[row.id] ?? 0} />
                    </td>
                  </tr>
                )}
              </Fragment>
            ))}
          </tbody>
        </table>
      </div>
      {shown.length === 0 && <p className="muted">No plans match these filters.</p>}
    </>
  );
}
