import { addRow, addYear, deleteRow, moveRow, removeYear, setAmount, setField } from "~/shared/section-rows";
import { planPaste, type PasteColumn, type PasteProblem } from "~/shared/spreadsheet-paste";
import { applyImport } from "~/shared/table-import-apply";
import type { ImportOperations } from "~/shared/table-import";
import type { RowJson } from "./RowsTable";
import type { SectionTable } from "./useSectionTable";

/**
 * The edits a section's tables make to the document, each one transaction under this person's
 * table origin (so each is one step of their undo).
 */
export interface TableEdits {
  /** Adds a row at the end and returns its id. */
  addRow(fields?: Record<string, string>): string;
  deleteRow(id: string): void;
  moveRow(id: string, delta: -1 | 1): void;
  setAmount(id: string, year: string, pence: number | null): void;
  addYear(year: string): void;
  /** Carries out a previewed file import (see TableFiles), new rows with `newRow`'s fields. */
  importRows(newRow: Record<string, string>, operations: ImportOperations): void;
  removeYear(year: string): void;
  /**
   * Writes a pasted block into `tableRows` (in this order) from `start`, adding rows of
   * `newRow`'s fields as needed; returns the cells it could not read.
   */
  paste(
    tableRows: RowJson[],
    columns: PasteColumn[],
    newRow: Record<string, string>,
    start: { row: number; col: number },
    grid: string[][],
  ): PasteProblem[];
}

export function tableEdits(table: SectionTable): TableEdits {
  const { doc, sectionKey, kind } = table;
  return {
    addRow: (fields) => {
      let id = "";
      table.edit(() => (id = addRow(doc, sectionKey, kind, fields)));
      return id;
    },
    deleteRow: (id) => table.edit(() => deleteRow(doc, sectionKey, id)),
    moveRow: (id, delta) => table.edit(() => moveRow(doc, sectionKey, id, delta)),
    setAmount: (id, year, pence) => table.edit(() => setAmount(doc, sectionKey, id, year, pence)),
    addYear: (year) => table.edit(() => addYear(doc, sectionKey, year)),
    importRows: (newRow, operations) => table.edit(() => applyImport(doc, sectionKey, kind, newRow, operations)),
    removeYear: (year) => table.edit(() => removeYear(doc, sectionKey, year)),
    paste: (tableRows, columns, newRow, start, grid) => {
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
      return plan.problems;
    },
  };
}
