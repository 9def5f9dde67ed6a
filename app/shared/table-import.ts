import { planPaste, type PasteColumn, type PasteProblem, type PasteWrite } from "./spreadsheet-paste";
import { tableGrid, type TableRowValues } from "./table-files";

/**
 * Importing a file into a table that already holds rows: each file row is matched to the row it
 * came from (by the row id a download writes, else by the table's key columns), so a table
 * downloaded and imported back is updated in place instead of doubled.
 */
export type ImportMode = "merge" | "replace" | "add";

/** A file read by its header row: cells in the table's column order. */
export interface ImportFile {
  rows: string[][];
  /** Each row's "Row ID" cell, when the file has that column. */
  ids: (string | null)[];
  /** Which of the table's columns the file has: a merge writes only those. */
  present: boolean[];
}

export interface ExistingRow {
  id: string;
  values: TableRowValues;
}

export interface ImportMatch {
  /** Per file row: the id of the table row it updates, or null for a new row. */
  targets: (string | null)[];
  /** File rows that repeat an earlier file row's id or key: a merge leaves them out. */
  duplicates: { fileRow: number; firstFileRow: number; name: string }[];
}

export interface ImportOperations {
  deletes: string[];
  updates: { rowId: string; writes: PasteWrite[] }[];
  adds: PasteWrite[][];
  problems: PasteProblem[];
}

const normalise = (text: string) => text.trim().replace(/\s+/g, " ").toLowerCase();

export function matchImport(
  file: ImportFile,
  existing: ExistingRow[],
  columns: PasteColumn[],
  keyFields: readonly string[],
): ImportMatch {
  const keyColumns = columns.flatMap((column, i) =>
    "field" in column && keyFields.includes(column.field.name) && file.present[i] ? [i] : [],
  );
  const keyOf = (cells: string[]) => {
    const parts = keyColumns.map((i) => normalise(cells[i] ?? ""));
    return parts.some((part) => part !== "") ? JSON.stringify(parts) : null;
  };
  const byId = new Set(existing.map((row) => row.id));
  const byKey = new Map<string, string>();
  const [, ...existingCells] = tableGrid(
    columns,
    existing.map((row) => row.values),
  );
  existingCells.forEach((cells, i) => {
    const key = keyOf(cells);
    if (key !== null && !byKey.has(key)) byKey.set(key, existing[i]!.id);
  });

  const targets: (string | null)[] = [];
  const duplicates: ImportMatch["duplicates"] = [];
  const seen = new Map<string, number>();
  file.rows.forEach((cells, fileRow) => {
    const id = file.ids[fileRow];
    const key = keyOf(cells);
    const target = id && byId.has(id) ? id : key !== null ? (byKey.get(key) ?? null) : null;
    const identity = target ?? (key !== null ? `key:${key}` : null);
    const first = identity !== null ? seen.get(identity) : undefined;
    if (first !== undefined) duplicates.push({ fileRow, firstFileRow: first, name: rowName(cells, keyColumns) });
    else if (identity !== null) seen.set(identity, fileRow);
    targets.push(target);
  });
  return { targets, duplicates };
}

function rowName(cells: string[], keyColumns: number[]): string {
  return (
    keyColumns
      .map((i) => cells[i]?.trim() ?? "")
      .filter(Boolean)
      .join(", ") || "an unnamed row"
  );
}

/** What an import in this mode does to the table: rows it deletes, updates and adds. */
export function importOperations(
  file: ImportFile,
  match: ImportMatch,
  mode: ImportMode,
  existingIds: string[],
  columns: PasteColumn[],
): ImportOperations {
  const { writes, problems } = planPaste(file.rows, columns, { row: 0, col: 0 });
  const byRow = file.rows.map((): PasteWrite[] => []);
  for (const write of writes) byRow[write.row]!.push(write);
  const duplicateRows = new Set(match.duplicates.map((d) => d.fileRow));
  const presentWrite = (write: PasteWrite) =>
    file.present[
      columns.findIndex((c) =>
        "year" in write ? "year" in c && c.year === write.year : "field" in c && c.field.name === write.field,
      )
    ] === true;

  if (mode !== "merge") {
    return { deletes: mode === "replace" ? existingIds : [], updates: [], adds: byRow, problems };
  }
  const updates: ImportOperations["updates"] = [];
  const adds: PasteWrite[][] = [];
  byRow.forEach((rowWrites, fileRow) => {
    if (duplicateRows.has(fileRow)) return;
    const target = match.targets[fileRow];
    if (target) updates.push({ rowId: target, writes: rowWrites.filter(presentWrite) });
    else adds.push(rowWrites);
  });
  return { deletes: [], updates, adds, problems };
}

/** The table's money (pence, every year) now and after the import; null for a table without amounts. */
export function importTotals(
  existing: ExistingRow[],
  operations: ImportOperations,
  columns: PasteColumn[],
): { before: number; after: number } | null {
  const years = columns.flatMap((column) => ("year" in column ? [column.year] : []));
  if (years.length === 0) return null;
  const amounts = new Map(
    existing.map((row) => {
      const stored = row.values.amounts ?? {};
      return [row.id, new Map(years.map((year) => [year, finite(stored[year])]))];
    }),
  );
  const sum = () =>
    [...amounts.values()].reduce((total, row) => total + [...row.values()].reduce((a, b) => a + b, 0), 0);
  const before = sum();
  for (const id of operations.deletes) amounts.delete(id);
  const apply = (row: Map<string, number>, writes: PasteWrite[]) => {
    for (const write of writes) if ("year" in write) row.set(write.year, write.pence ?? 0);
  };
  for (const { rowId, writes } of operations.updates) {
    const row = amounts.get(rowId);
    if (row) apply(row, writes);
  }
  operations.adds.forEach((writes, i) => {
    const row = new Map<string, number>();
    apply(row, writes);
    amounts.set(`new:${i}`, row);
  });
  return { before, after: sum() };
}

const finite = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : 0);
