import { useContext, useState } from "react";
import * as Y from "yjs";
import { budgetTotals, formatPounds, parsePounds, type BudgetData, type BudgetTotals } from "~/shared/budget";
import { nextFinancialYear } from "~/shared/section-rows";
import type { PasteColumn } from "~/shared/spreadsheet-paste";
import { BUDGET_ASSET_FIELDS, BUDGET_FUNDING_FIELDS, type FieldDef } from "~/shared/structured-fields";
import { focusNewRow, MoneyCell, RowsTable, type RowJson } from "./RowsTable";
import { ScrollBox } from "./ScrollBox";
import { keyFieldsOf } from "~/shared/table-keys";
import { ConfirmDialog } from "./ConfirmDialog";
import { TableFiles } from "./TableFiles";
import type { TableEdits } from "./table-edits";
import { amountOf, rowValues } from "./table-row-values";
import { CellProposals, TableProposals, withProposedAmounts } from "./TableProposals";

export type TableActions = Pick<Parameters<typeof RowsTable>[0], "table" | "rowMaps" | "onDelete" | "onMove">;

/** Writes a pasted block into these rows (in this order), adding rows of `newRow`'s fields as needed. */
export type Paster = (
  tableRows: RowJson[],
  columns: PasteColumn[],
  newRow: Record<string, string>,
) => (start: { row: number; col: number }, grid: string[][]) => void;

/** A budget section: its financial years, the funding lines and assets tables, and the totals. */
export function BudgetTables({
  sectionKey,
  data,
  editable,
  actions,
  edits,
  paster,
  onRemoveYear,
}: {
  sectionKey: string;
  data: { rows?: RowJson[]; years?: string[] };
  editable: boolean;
  actions: TableActions;
  edits: TableEdits;
  paster: Paster | undefined;
  /** Removes a year once its removal is confirmed (an undoable step with its notice). */
  onRemoveYear: (year: string) => void;
}) {
  const totals = budgetTotals(data as BudgetData);
  const proposals = useContext(TableProposals);
  const rows = data.rows ?? [];
  const tableProps = { years: totals.years, editable, actions, edits, paster };
  return (
    <div className="structured budget" data-kind="budget">
      <BudgetYears
        years={totals.years}
        editable={editable}
        edits={edits}
        onRemove={onRemoveYear}
        moneyIn={(year) => ({
          pence: totals.byYear[year] ?? 0,
          rows: rows.filter((row) => amountOf(row, year) !== undefined).length,
        })}
      />
      <BudgetRows
        {...tableProps}
        title="Funding lines"
        tableId={`${sectionKey}-funding-lines`}
        rowType="funding"
        fields={BUDGET_FUNDING_FIELDS}
        rows={rows.filter((row) => row.rowType !== "asset")}
        addLabel="+ Add funding line"
      />
      <BudgetRows
        {...tableProps}
        title="Assets"
        tableId={`${sectionKey}-assets`}
        rowType="asset"
        fields={BUDGET_ASSET_FIELDS}
        rows={rows.filter((row) => row.rowType === "asset")}
        addLabel="+ Add asset"
      />
      <h3 className="structured__heading">Totals</h3>
      <BudgetTotalsTable sectionKey={sectionKey} totals={totals} />
      <ProposedChange
        sectionKey={sectionKey}
        by={
          proposals && proposals.open.length > 0
            ? budgetTotals(withProposedAmounts(data, proposals.open) as BudgetData).total - totals.total
            : 0
        }
      />
    </div>
  );
}

function BudgetYears({
  years,
  editable,
  edits,
  onRemove,
  moneyIn,
}: {
  years: string[];
  editable: boolean;
  edits: TableEdits;
  onRemove: (year: string) => void;
  moneyIn: (year: string) => { pence: number; rows: number };
}) {
  const [asking, setAsking] = useState<string | null>(null);
  const held = asking ? moneyIn(asking) : null;
  return (
    <div className="budget__years">
      <span>Financial years:</span>
      {years.map((year) => (
        <span key={year} className="tag">
          {year}
          {editable && years.length > 1 ? (
            <button
              type="button"
              className="tag__remove"
              aria-label={`Remove year ${year}`}
              onClick={() => setAsking(year)}
            >
              ×
            </button>
          ) : null}
        </span>
      ))}
      {editable ? (
        <button type="button" className="button small" onClick={() => edits.addYear(nextFinancialYear(years))}>
          + Add {nextFinancialYear(years)}
        </button>
      ) : null}
      <ConfirmDialog
        open={asking !== null}
        title={`Remove ${asking ?? "the year"} and its amounts?`}
        confirmLabel={`Remove ${asking ?? "year"}`}
        onCancel={() => setAsking(null)}
        onConfirm={() => {
          if (asking) onRemove(asking);
          setAsking(null);
        }}
      >
        {held && held.rows > 0 ? (
          <p>
            {asking} holds <strong>{formatPounds(held.pence)}</strong> in {held.rows} {held.rows === 1 ? "row" : "rows"}
            . Removing the year deletes those amounts from every row, for everyone.
          </p>
        ) : (
          <p>{asking} holds no amounts yet.</p>
        )}
        <p className="muted">You can undo it straight after, from the notice or with Ctrl+Z.</p>
      </ConfirmDialog>
    </div>
  );
}

/** One of the budget's two tables (funding lines or assets): a column per year, its add button and files. */
function BudgetRows({
  years,
  editable,
  actions,
  edits,
  paster,
  title,
  tableId,
  rowType,
  fields,
  rows,
  addLabel,
}: {
  years: string[];
  editable: boolean;
  actions: TableActions;
  edits: TableEdits;
  paster: Paster | undefined;
  title: string;
  tableId: string;
  rowType: "funding" | "asset";
  fields: FieldDef[];
  rows: RowJson[];
  addLabel: string;
}) {
  const pasteColumns: PasteColumn[] = [
    ...fields.map((field) => ({ field })),
    ...years.map((year) => ({ year, label: year })),
  ];
  const proposals = useContext(TableProposals);
  const proposing = !editable && proposals?.proposing === true;
  const yearColumns = years.map((year, i) => ({
    field: `amount:${year}`,
    header: year,
    cell: (row: RowJson, rowIndex: number) => (
      <>
        <MoneyCell
          pence={amountOf(row, year)}
          amounts={sharedAmounts(actions.rowMaps.get(row.id))}
          year={year}
          editable={editable || proposing}
          label={`${year} amount, row ${rowIndex + 1}`}
          position={{ table: tableId, row: rowIndex, col: fields.length + i }}
          parse={parsePounds}
          format={formatPounds}
          onCommit={(pence) => {
            // A proposal is a value: clearing the cell proposes nothing.
            if (!proposing) edits.setAmount(row.id, year, pence);
            else if (pence !== null && pence !== (amountOf(row, year) ?? null)) {
              proposals!.propose(row.id, `amounts.${year}`, pence);
            } else if (pence !== null) proposals!.unchanged(row.id, `amounts.${year}`);
          }}
        />
        <CellProposals
          rowId={row.id}
          field={`amounts.${year}`}
          format={(value) => (typeof value === "number" ? formatPounds(value) : "empty")}
        />
      </>
    ),
  }));
  return (
    <>
      <h3 className="structured__heading">{title}</h3>
      <RowsTable
        caption={title}
        fields={fields}
        rows={rows}
        editable={editable}
        {...actions}
        extraColumns={yearColumns}
        onPasteBlock={paster?.(rows, pasteColumns, { rowType })}
      />
      {editable ? (
        <button type="button" className="button small" onClick={() => focusNewRow(edits.addRow({ rowType }))}>
          {addLabel}
        </button>
      ) : null}
      <TableFiles
        name={title}
        columns={pasteColumns}
        rows={rows.map(rowValues)}
        editable={editable}
        keyFields={keyFieldsOf("budget", rowType)}
        onImport={(operations) => edits.importRows({ rowType }, operations)}
      />
    </>
  );
}

function BudgetTotalsTable({ sectionKey, totals }: { sectionKey: string; totals: BudgetTotals }) {
  return (
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
  );
}

/** Under the totals, while amounts are proposed: how much accepting them all would move the total. */
function ProposedChange({ sectionKey, by }: { sectionKey: string; by: number }) {
  if (by === 0) return null;
  return (
    <p className="totals-note" data-testid={`proposed-change-${sectionKey}`}>
      Open proposals would change this by {by > 0 ? "+" : "−"}
      {formatPounds(Math.abs(by))}
    </p>
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

function sharedAmounts(row: Y.Map<unknown> | undefined): Y.Map<unknown> | undefined {
  const amounts = row?.get("amounts");
  return amounts instanceof Y.Map ? amounts : undefined;
}
