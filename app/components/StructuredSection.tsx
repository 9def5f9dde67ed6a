import { useEffect, useMemo, useRef, useState } from "react";
import type * as Y from "yjs";
import { budgetTotals, formatPounds, parsePounds, type BudgetData } from "~/shared/budget";
import { sectionDataName } from "~/shared/doc-names";
import {
  addRow,
  addYear,
  deleteRow,
  moveRow,
  nextFinancialYear,
  removeYear,
  setAmount,
  setField,
} from "~/shared/section-rows";
import { planPaste, type PasteColumn, type PasteProblem } from "~/shared/spreadsheet-paste";
import {
  BUDGET_ASSET_FIELDS,
  BUDGET_FUNDING_FIELDS,
  MILESTONE_STATUSES,
  STRUCTURED_FIELDS,
  type FieldDef,
  type StructuredKind,
} from "~/shared/structured-fields";
import { MoneyCell, RowsTable, type RowJson } from "./RowsTable";
import { ScrollBox } from "./ScrollBox";
import { TableFiles } from "./TableFiles";
import type { TableRowValues } from "~/shared/table-files";
import { tableUndoScope, type UndoScopes } from "./usePersonalUndo";
import { useSectionTable, type SectionTable } from "./useSectionTable";
import { useYJson } from "./useYJson";
import { normaliseSectionData } from "~/shared/table-values";

interface SectionData {
  rows?: RowJson[];
  years?: string[];
}

/**
 * The structured part of a section, co-edited live through its `data:<key>` map. It is one
 * undo scope: with focus anywhere in it, Ctrl+Z takes back this person's own table changes.
 */
export function StructuredSection({
  doc,
  sectionKey,
  kind,
  title,
  editable,
  undoScopes,
}: {
  doc: Y.Doc;
  sectionKey: string;
  kind: StructuredKind;
  title: string;
  editable: boolean;
  undoScopes: UndoScopes;
}) {
  const map = useMemo(() => doc.getMap(sectionDataName(sectionKey)), [doc, sectionKey]);
  // Through the tolerant reader: a stored plan may hold rows that are not maps, or odd values.
  const json = useYJson<unknown>(map);
  const data = useMemo(() => normaliseSectionData(json) as SectionData, [json]);
  const table = useSectionTable(doc, sectionKey, kind, undoScopes);
  // Read on every render: rows come and go, and a moved row is a new map.
  const rowMaps = table.rowsById();
  const deletion = useDeletionNotice(table);
  const rows = data.rows ?? [];
  const [pasteReport, setPasteReport] = useState<{ rows: number; problems: PasteProblem[] } | null>(null);
  const actions: TableActions = {
    table,
    rowMaps,
    onDelete: (id, rowName) => deletion.remove(id, rowName),
    onMove: (id, delta) => table.edit(() => moveRow(doc, sectionKey, id, delta)),
  };
  /** Writes a pasted block into these rows (in this order), adding rows of `fields` as needed. */
  const paster =
    (tableRows: RowJson[], columns: PasteColumn[], newRow: Record<string, string>) =>
    (start: { row: number; col: number }, grid: string[][]) => {
      const plan = planPaste(grid, columns, start);
      table.edit(() => {
        const ids = tableRows.map((row) => row.id);
        while (ids.length < plan.rowsNeeded) ids.push(addRow(doc, sectionKey, kind, newRow));
        for (const write of plan.writes) {
          const id = ids[write.row]!;
          if ("year" in write) setAmount(doc, sectionKey, id, write.year, write.pence);
          else setField(doc, sectionKey, id, write.field, write.value);
        }
      });
      setPasteReport({ rows: grid.length, problems: plan.problems });
    };
  return (
    <div
      className="structured"
      data-kind={kind}
      data-undo-scope={tableUndoScope(sectionKey)}
      tabIndex={-1}
      ref={deletion.scopeRef}
    >
      {kind === "budget" ? (
        <BudgetTables
          doc={doc}
          sectionKey={sectionKey}
          data={data}
          editable={editable}
          actions={actions}
          paster={editable ? paster : undefined}
        />
      ) : (
        <>
          {kind === "milestones" ? <Timeline rows={rows} /> : null}
          <RowsTable
            caption={title}
            fields={STRUCTURED_FIELDS[kind]}
            rows={rows}
            editable={editable}
            {...actions}
            onPasteBlock={
              editable
                ? paster(
                    rows,
                    STRUCTURED_FIELDS[kind].map((field) => ({ field })),
                    {},
                  )
                : undefined
            }
          />
          {editable ? (
            <button
              type="button"
              className="button small"
              onClick={() => table.edit(() => addRow(doc, sectionKey, kind))}
            >
              + Add row
            </button>
          ) : null}
          <TableFiles
            name={title}
            columns={STRUCTURED_FIELDS[kind].map((field) => ({ field }))}
            rows={rows.map(rowValues)}
            editable={editable}
            onImport={(fileRows) =>
              paster(
                rows,
                STRUCTURED_FIELDS[kind].map((field) => ({ field })),
                {},
              )({ row: rows.length, col: 0 }, fileRows)
            }
          />
        </>
      )}
      {deletion.notice}
      <PasteReport report={pasteReport} onDismiss={() => setPasteReport(null)} />
    </div>
  );
}

/** After a paste: how many rows it filled, and every cell it could not read, by row and column. */
function PasteReport({
  report,
  onDismiss,
}: {
  report: { rows: number; problems: PasteProblem[] } | null;
  onDismiss: () => void;
}) {
  if (!report) return null;
  const { rows, problems } = report;
  return (
    <div
      className={`paste-report${problems.length ? " paste-report--problems" : ""}`}
      role={problems.length ? "alert" : "status"}
      data-testid="paste-report"
    >
      <p>
        Pasted {rows} {rows === 1 ? "row" : "rows"}.
        {problems.length
          ? ` ${problems.length} ${problems.length === 1 ? "cell was" : "cells were"} not filled:`
          : null}{" "}
        <button type="button" className="button link small" onClick={onDismiss}>
          Dismiss
        </button>
      </p>
      {problems.length ? (
        <ul>
          {problems.map((problem, i) => (
            <li key={i}>
              Row {problem.row + 1}, {problem.column}: “{problem.text}”: {problem.error}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

type TableActions = Pick<Parameters<typeof RowsTable>[0], "table" | "rowMaps" | "onDelete" | "onMove">;
type Paster = (
  tableRows: RowJson[],
  columns: PasteColumn[],
  newRow: Record<string, string>,
) => (start: { row: number; col: number }, grid: string[][]) => void;

/** How long "Row 3 deleted · Undo" stays offered. */
const DELETION_NOTICE_MS = 15_000;

/**
 * Deleting a row acts at once, as in a spreadsheet, and then offers to take it back: a notice
 * with Undo, which undoes exactly that deletion while it is still this person's latest change.
 * Focus moves to the notice, so Ctrl+Z works from there too.
 */
function useDeletionNotice(table: SectionTable) {
  const [deleted, setDeleted] = useState<{ label: string; item: unknown } | null>(null);
  const scopeRef = useRef<HTMLDivElement>(null);
  const undoButton = useRef<HTMLButtonElement>(null);
  const manager = table.undoManager;

  useEffect(() => {
    if (!manager || !deleted) return;
    const dismiss = () => {
      if (undoButton.current && document.activeElement === undoButton.current) scopeRef.current?.focus();
      setDeleted(null);
    };
    const onAdded = ({ stackItem, type }: { stackItem: unknown; type: "undo" | "redo" }) => {
      if (type === "undo" && stackItem !== deleted.item) dismiss();
    };
    const onPopped = ({ stackItem }: { stackItem: unknown }) => {
      if (stackItem === deleted.item) dismiss();
    };
    manager.on("stack-item-added", onAdded);
    manager.on("stack-item-popped", onPopped);
    const timer = setTimeout(dismiss, DELETION_NOTICE_MS);
    return () => {
      manager.off("stack-item-added", onAdded);
      manager.off("stack-item-popped", onPopped);
      clearTimeout(timer);
    };
  }, [manager, deleted]);

  useEffect(() => {
    if (deleted) undoButton.current?.focus();
  }, [deleted]);

  const remove = (id: string, rowName: string) => {
    if (!manager) return;
    manager.stopCapturing();
    table.edit(() => deleteRow(table.doc, table.sectionKey, id));
    setDeleted({ label: `${rowName} deleted`, item: manager.undoStack.at(-1) });
  };

  const notice = (
    <div className="table-notice" role="status" aria-live="polite">
      {deleted ? (
        <>
          <span>{deleted.label}</span>
          <span aria-hidden> · </span>
          <button
            type="button"
            ref={undoButton}
            className="button link small"
            onClick={() => {
              if (manager && manager.undoStack.at(-1) === deleted.item) manager.undo();
            }}
          >
            Undo
          </button>
        </>
      ) : null}
    </div>
  );
  return { remove, notice, scopeRef };
}

function BudgetTables({
  doc,
  sectionKey,
  data,
  editable,
  actions,
  paster,
}: {
  doc: Y.Doc;
  sectionKey: string;
  data: SectionData;
  editable: boolean;
  actions: TableActions;
  paster: Paster | undefined;
}) {
  const totals = budgetTotals(data as BudgetData);
  const rows = data.rows ?? [];
  const funding = rows.filter((row) => row.rowType !== "asset");
  const assets = rows.filter((row) => row.rowType === "asset");
  const pasteColumns = (fields: FieldDef[]): PasteColumn[] => [
    ...fields.map((field) => ({ field })),
    ...totals.years.map((year) => ({ year, label: year })),
  ];
  const yearColumns = (fieldCount: number, tableId: string) =>
    totals.years.map((year, i) => ({
      field: `amount:${year}`,
      header: year,
      cell: (row: RowJson, rowIndex: number) => (
        <MoneyCell
          pence={amountOf(row, year)}
          editable={editable}
          label={`${year} amount, row ${rowIndex + 1}`}
          position={{ table: tableId, row: rowIndex, col: fieldCount + i }}
          parse={parsePounds}
          format={formatPounds}
          onCommit={(pence) => actions.table.edit(() => setAmount(doc, sectionKey, row.id, year, pence))}
        />
      ),
    }));
  return (
    <div className="structured budget" data-kind="budget">
      <div className="budget__years">
        <span>Financial years:</span>
        {totals.years.map((year) => (
          <span key={year} className="tag">
            {year}
            {editable && totals.years.length > 1 ? (
              <button
                type="button"
                className="tag__remove"
                aria-label={`Remove year ${year}`}
                onClick={() => actions.table.edit(() => removeYear(doc, sectionKey, year))}
              >
                ×
              </button>
            ) : null}
          </span>
        ))}
        {editable ? (
          <button
            type="button"
            className="button small"
            onClick={() => actions.table.edit(() => addYear(doc, sectionKey, nextFinancialYear(totals.years)))}
          >
            + Add {nextFinancialYear(totals.years)}
          </button>
        ) : null}
      </div>
      <h3 className="structured__heading">Funding lines</h3>
      <RowsTable
        caption="Funding lines"
        fields={BUDGET_FUNDING_FIELDS}
        rows={funding}
        editable={editable}
        {...actions}
        extraColumns={yearColumns(BUDGET_FUNDING_FIELDS.length, `${sectionKey}-funding-lines`)}
        onPasteBlock={paster?.(funding, pasteColumns(BUDGET_FUNDING_FIELDS), { rowType: "funding" })}
      />
      {editable ? (
        <button
          type="button"
          className="button small"
          onClick={() => actions.table.edit(() => addRow(doc, sectionKey, "budget", { rowType: "funding" }))}
        >
          + Add funding line
        </button>
      ) : null}
      <TableFiles
        name="Funding lines"
        columns={pasteColumns(BUDGET_FUNDING_FIELDS)}
        rows={funding.map(rowValues)}
        editable={editable}
        onImport={(fileRows) =>
          paster?.(funding, pasteColumns(BUDGET_FUNDING_FIELDS), { rowType: "funding" })(
            { row: funding.length, col: 0 },
            fileRows,
          )
        }
      />
      <h3 className="structured__heading">Assets</h3>
      <RowsTable
        caption="Assets"
        fields={BUDGET_ASSET_FIELDS}
        rows={assets}
        editable={editable}
        {...actions}
        extraColumns={yearColumns(BUDGET_ASSET_FIELDS.length, `${sectionKey}-assets`)}
        onPasteBlock={paster?.(assets, pasteColumns(BUDGET_ASSET_FIELDS), { rowType: "asset" })}
      />
      {editable ? (
        <button
          type="button"
          className="button small"
          onClick={() => actions.table.edit(() => addRow(doc, sectionKey, "budget", { rowType: "asset" }))}
        >
          + Add asset
        </button>
      ) : null}
      <TableFiles
        name="Assets"
        columns={pasteColumns(BUDGET_ASSET_FIELDS)}
        rows={assets.map(rowValues)}
        editable={editable}
        onImport={(fileRows) =>
          paster?.(assets, pasteColumns(BUDGET_ASSET_FIELDS), { rowType: "asset" })(
            { row: assets.length, col: 0 },
            fileRows,
          )
        }
      />
      <h3 className="structured__heading">Totals</h3>
      <ScrollBox label="Totals">
        <table className="totals" data-testid={`totals-${sectionKey}`}>
          <thead>
            <tr>
              <th scope="col">By treatment</th>
              {totals.years.map((year) => (
                <th key={year} scope="col" className="numeric">
                  {year}
                </th>
              ))}
              <th scope="col" className="numeric">
                Total
              </th>
            </tr>
          </thead>
          <tbody>
            {totals.byTreatment.map((line) => (
              <TotalRow
                key={`t-${line.label}`}
                label={line.label}
                perYear={line.perYear}
                total={line.total}
                years={totals.years}
              />
            ))}
            <tr className="totals__subhead">
              <th scope="rowgroup" colSpan={totals.years.length + 2}>
                By organisation
              </th>
            </tr>
            {totals.byOrganisation.map((line) => (
              <TotalRow
                key={`o-${line.label}`}
                label={line.label}
                perYear={line.perYear}
                total={line.total}
                years={totals.years}
              />
            ))}
          </tbody>
          <tfoot>
            <TotalRow
              label="All resources mapped"
              perYear={totals.byYear}
              total={totals.total}
              years={totals.years}
              testId="grand-total"
            />
            <tr>
              <th scope="row">Single budget (excluding out of scope)</th>
              <td colSpan={totals.years.length} />
              <td className="numeric" data-testid="in-scope-total">
                {formatPounds(totals.inScope)}
              </td>
            </tr>
          </tfoot>
        </table>
      </ScrollBox>
    </div>
  );
}

function TotalRow({
  label,
  perYear,
  total,
  years,
  testId,
}: {
  label: string;
  perYear: Record<string, number>;
  total: number;
  years: string[];
  testId?: string;
}) {
  return (
    <tr>
      <th scope="row">{label}</th>
      {years.map((year) => (
        <td key={year} className="numeric">
          {formatPounds(perYear[year] ?? 0)}
        </td>
      ))}
      <td className="numeric" data-testid={testId}>
        {formatPounds(total)}
      </td>
    </tr>
  );
}

function rowValues(row: RowJson): TableRowValues {
  return { fields: row, amounts: row.amounts as Record<string, unknown> | undefined };
}

function amountOf(row: RowJson, year: string): number | undefined {
  const amounts = row.amounts as Record<string, unknown> | undefined;
  const value = amounts?.[year];
  return typeof value === "number" ? value : undefined;
}

/** Milestones in date order on a line; overdue ones (past due and not done) are marked. */
function Timeline({ rows }: { rows: RowJson[] }) {
  const today = new Date().toISOString().slice(0, 10);
  const dated = rows
    .filter(
      (row): row is RowJson & { due: string } => typeof row.due === "string" && /^\d{4}-\d{2}-\d{2}$/.test(row.due),
    )
    .sort((a, b) => a.due.localeCompare(b.due));
  if (dated.length === 0) return null;
  return (
    <ol className="timeline" aria-label="Timeline">
      {dated.map((row) => {
        const overdue = row.due < today && row.status !== "done";
        const status = MILESTONE_STATUSES.find((s) => s.value === row.status)?.label ?? "No status";
        return (
          <li
            key={row.id}
            className={`timeline__item timeline__item--${String(row.status || "none")}${overdue ? " timeline__item--overdue" : ""}`}
          >
            <time dateTime={row.due}>{formatDate(row.due)}</time>
            <span className="timeline__title">{String(row.milestone || "Untitled milestone")}</span>
            <span className="timeline__status">{overdue ? `Overdue · ${status}` : status}</span>
          </li>
        );
      })}
    </ol>
  );
}

function formatDate(isoDate: string): string {
  return new Date(`${isoDate}T00:00:00Z`).toLocaleDateString("en-GB", {
    day: "numeric",
    month: "short",
    year: "numeric",
    timeZone: "UTC",
  });
}
