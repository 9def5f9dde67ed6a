import { useContext, useState, type CSSProperties, type KeyboardEvent, type ReactNode } from "react";
import * as Y from "yjs";
import { setField } from "~/shared/section-rows";
import { isCellBlock, parseTsv } from "~/shared/spreadsheet-paste";
import type { FieldDef } from "~/shared/structured-fields";
import { cellId, useCellPresence } from "./CellPresence";
import { initials } from "./PresenceList";
import { ScrollBox } from "./ScrollBox";
import { TextCell } from "./TextCell";
import { CellProposals, cellValueText, ProposalField, TableProposals } from "./TableProposals";
import type { SectionTable } from "./useSectionTable";
import { useOverwriteNotice } from "./useOverwriteNotice";

export interface RowJson {
  id: string;
  [field: string]: unknown;
}

/**
 * A keyboard-friendly table of rows: Tab moves along, Enter and the up/down arrows move
 * down and up the column, as in a spreadsheet. Text cells are shared text that merges as two
 * people type; the others write through when they change, so others see them live.
 */
export function RowsTable({
  caption,
  table,
  rowMaps,
  fields,
  rows,
  editable,
  onDelete,
  onMove,
  extraColumns,
  footer,
  onPasteBlock,
}: {
  caption: string;
  table: SectionTable;
  rowMaps: ReadonlyMap<string, Y.Map<unknown>>;
  fields: FieldDef[];
  rows: RowJson[];
  editable: boolean;
  onDelete: (id: string, rowName: string) => void;
  onMove: (id: string, delta: -1 | 1) => void;
  extraColumns?: { field: string; header: ReactNode; cell: (row: RowJson, rowIndex: number) => ReactNode }[];
  footer?: ReactNode;
  /** Cells copied from a spreadsheet, pasted into the cell at `start`. */
  onPasteBlock?: (start: { row: number; col: number }, grid: string[][]) => void;
}) {
  const sectionKey = table.sectionKey;
  const tableId = `${sectionKey}-${caption.replace(/\W+/g, "-").toLowerCase()}`;
  return (
    <ScrollBox label={caption} className="rows-table-wrap">
      <table
        className="rows-table"
        id={tableId}
        data-section-table={sectionKey}
        onPaste={(event) => {
          const text = event.clipboardData.getData("text/plain");
          const cell = event.target instanceof HTMLElement ? event.target.closest<HTMLElement>("[data-cell]") : null;
          if (!onPasteBlock || !cell?.dataset.cell || !isCellBlock(text)) return;
          const [row, col] = cell.dataset.cell.split(":").map(Number) as [number, number];
          event.preventDefault();
          onPasteBlock({ row, col }, parseTsv(text));
        }}
      >
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {fields.map((field) => (
              <th key={field.name} scope="col">
                {field.label}
              </th>
            ))}
            {extraColumns?.map((column, i) => (
              <th key={`extra-${i}`} scope="col" className="numeric">
                {column.header}
              </th>
            ))}
            {editable ? (
              <th scope="col">
                <span className="visually-hidden">Row actions</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={fields.length + (extraColumns?.length ?? 0) + 1} className="muted empty-row">
                No rows yet.
              </td>
            </tr>
          ) : null}
          {rows.map((row, rowIndex) => (
            <tr key={row.id} data-row-id={row.id}>
              {fields.map((field, colIndex) => (
                <PresenceCell key={field.name} cell={cellId(sectionKey, row.id, field.name)}>
                  <Cell
                    field={field}
                    value={row[field.name]}
                    source={rowMaps.get(row.id)?.get(field.name)}
                    table={table}
                    rowId={row.id}
                    editable={editable}
                    label={`${field.label}, row ${rowIndex + 1}`}
                    position={{ table: tableId, row: rowIndex, col: colIndex }}
                  />
                  <CellProposals rowId={row.id} field={field.name} format={(value) => cellValueText(field, value)} />
                </PresenceCell>
              ))}
              {extraColumns?.map((column, i) => (
                <PresenceCell key={`extra-${i}`} className="numeric" cell={cellId(sectionKey, row.id, column.field)}>
                  {column.cell(row, rowIndex)}
                </PresenceCell>
              ))}
              {editable ? (
                <td className="row-actions">
                  <button
                    type="button"
                    className="icon-button"
                    aria-label={`Move row ${rowIndex + 1} up`}
                    disabled={rowIndex === 0}
                    onClick={() => onMove(row.id, -1)}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    className="icon-button"
                    aria-label={`Move row ${rowIndex + 1} down`}
                    disabled={rowIndex === rows.length - 1}
                    onClick={() => onMove(row.id, 1)}
                  >
                    ↓
                  </button>
                  <button
                    type="button"
                    className="icon-button danger"
                    aria-label={`Delete row ${rowIndex + 1}`}
                    onClick={() => onDelete(row.id, rowName(row, rowIndex, fields))}
                  >
                    ×
                  </button>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
        {footer}
      </table>
    </ScrollBox>
  );
}

/**
 * A cell that shows who else is in it, an outline in their colour and their name, and tells
 * the others when this person's focus enters or leaves it.
 */
function PresenceCell({ cell, className, children }: { cell: string; className?: string; children: ReactNode }) {
  const { people, onFocus, onBlur } = useCellPresence(cell);
  const first = people[0];
  return (
    <td
      className={[className, first ? "cell--occupied" : null].filter(Boolean).join(" ") || undefined}
      style={first ? ({ "--presence-color": first.color } as CSSProperties) : undefined}
      data-cell-presence={first ? people.map((person) => person.name).join(", ") : undefined}
      onFocus={onFocus}
      onBlur={onBlur}
    >
      {children}
      {first ? (
        <span
          className="cell-presence"
          title={`In this cell: ${people.map((person) => person.name).join(", ")}`}
          aria-hidden
        >
          {people.map((person) => initials(person.name)).join(" ")}
        </span>
      ) : null}
    </td>
  );
}
/** How a row is named in a notice: its number and the start of its first text. */
function rowName(row: RowJson, rowIndex: number, fields: FieldDef[]): string {
  const first = fields
    .map((field) => row[field.name])
    .find((value): value is string => typeof value === "string" && value.trim() !== "");
  if (!first) return `Row ${rowIndex + 1}`;
  const words = first.trim();
  return `Row ${rowIndex + 1} (“${words.length > 40 ? `${words.slice(0, 39)}…` : words}”)`;
}

export interface CellPosition {
  table: string;
  row: number;
  col: number;
}

/**
 * Puts the caret in a new row's first cell once the table shows it (a frame or two after the
 * edit), so typing after "+ Add row" fills the row instead of pressing the button again.
 */
export function focusNewRow(rowId: string, framesLeft = 10): void {
  const cell = document.querySelector<HTMLElement>(
    `tr[data-row-id="${CSS.escape(rowId)}"] :is(input, textarea, select):not([readonly])`,
  );
  if (cell) cell.focus();
  else if (framesLeft > 0) requestAnimationFrame(() => focusNewRow(rowId, framesLeft - 1));
}

/** Moves focus to the same column of the row above or below, as a spreadsheet does. */
export function moveFocus(event: KeyboardEvent<HTMLElement>, position: CellPosition): void {
  const isSelect = event.currentTarget.tagName === "SELECT";
  const delta =
    event.key === "Enter" || (event.key === "ArrowDown" && !isSelect)
      ? 1
      : event.key === "ArrowUp" && !isSelect
        ? -1
        : 0;
  if (delta === 0 || event.shiftKey || event.altKey) return;
  const target = document.querySelector<HTMLElement>(
    `#${CSS.escape(position.table)} [data-cell="${position.row + delta}:${position.col}"]`,
  );
  if (target) {
    event.preventDefault();
    target.focus();
  }
}

function Cell({
  field,
  value,
  source,
  table,
  rowId,
  editable,
  label,
  position,
}: {
  field: FieldDef;
  value: unknown;
  source: unknown;
  table: SectionTable;
  rowId: string;
  editable: boolean;
  label: string;
  position: CellPosition;
}) {
  const proposals = useContext(TableProposals);
  const shared = {
    "aria-label": label,
    "data-cell": `${position.row}:${position.col}`,
    // Read-only rather than disabled: a reader can still focus, select and copy a cell.
    readOnly: !editable,
    onKeyDown: (event: KeyboardEvent<HTMLElement>) => moveFocus(event, position),
  };
  const set = (next: string) => table.edit(() => setField(table.doc, table.sectionKey, rowId, field.name, next));
  const text = typeof value === "string" ? value : "";
  if (!editable && proposals?.proposing) {
    return <ProposalField field={field} rowId={rowId} value={text} inputProps={shared} />;
  }
  if (field.type === "select" && !editable) {
    // A select cannot be read-only; its chosen label reads the same in a read-only input.
    const chosen = field.options?.find((option) => option.value === text)?.label ?? "";
    return <input {...shared} type="text" className="select-value" value={chosen} />;
  }
  if (field.type === "select") {
    return (
      <select {...shared} value={text} onChange={(e) => set(e.target.value)}>
        <option value="">—</option>
        {field.options?.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    );
  }
  if (field.type === "date") {
    return <input {...shared} type="date" value={text} onChange={(e) => set(e.target.value)} />;
  }
  return (
    <TextCell
      {...shared}
      source={source}
      write={table.edit}
      replace={(next) => table.edit(() => table.rowsById().get(rowId)?.set(field.name, new Y.Text(next)))}
      wide={field.type === "longtext"}
      list={field.suggestions ? `suggest-${field.suggestions}` : undefined}
    />
  );
}

/** A money cell: typed freely, checked and stored on Enter or leaving the cell. */
export function MoneyCell({
  pence,
  amounts,
  year,
  editable,
  label,
  position,
  parse,
  format,
  onCommit,
}: {
  pence: number | undefined;
  /** The row's shared amounts and this cell's year in them, to tell of a write over another's. */
  amounts: Y.Map<unknown> | undefined;
  year: string;
  editable: boolean;
  label: string;
  position: CellPosition;
  parse: (text: string) => { ok: true; pence: number } | { ok: false; error: string };
  format: (pence: number) => string;
  onCommit: (pence: number | null) => void;
}) {
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const overwrite = useOverwriteNotice(amounts, year, (value) =>
    typeof value === "number" ? format(value) : "empty amount",
  );
  const shown = draft ?? (pence === undefined ? "" : format(pence));
  /** Stores the draft if it is a valid amount (an empty one clears the cell); false if not. */
  const commit = (): boolean => {
    if (draft === null) return true;
    const parsed = draft.trim() === "" ? ({ ok: true, pence: null } as const) : parse(draft);
    if (!parsed.ok) {
      setError(parsed.error);
      return false;
    }
    onCommit(parsed.pence);
    setDraft(null);
    setError(null);
    return true;
  };
  const errorId = `${position.table}-${position.row}-${position.col}-error`;
  return (
    <span className="money-cell">
      <input
        type="text"
        inputMode="decimal"
        aria-label={label}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        data-cell={`${position.row}:${position.col}`}
        readOnly={!editable}
        value={shown}
        onChange={(e) => setDraft(e.target.value)}
        // As in a spreadsheet, typing into a cell replaces its amount (it used to append: "888£2,500").
        onFocus={(e) => e.currentTarget.select()}
        onBlur={commit}
        onKeyDown={(event) => {
          if (event.key === "Escape") {
            setDraft(null);
            setError(null);
            return;
          }
          if (event.key === "Enter" && !commit()) return;
          moveFocus(event, position);
        }}
      />
      {error ? (
        <span className="cell-error" id={errorId} role="alert">
          {error}
        </span>
      ) : null}
      <span className="cell-notice" role="status">
        {overwrite.notice ? (
          <>
            {overwrite.notice}{" "}
            <button type="button" className="button link small" onClick={overwrite.dismiss}>
              OK
            </button>
          </>
        ) : null}
      </span>
    </span>
  );
}
