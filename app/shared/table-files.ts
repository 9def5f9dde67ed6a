import { formatPounds } from "./budget";
import { restoreDefused } from "./csv";
import { parseTsv, type PasteColumn } from "./spreadsheet-paste";
import type { ImportFile } from "./table-import";

/** The last column of a download: importing the file back matches its rows by it. */
export const ROW_ID_HEADER = "Row ID";

export interface TableRowValues {
  fields: Record<string, unknown>;
  amounts?: Record<string, unknown>;
}

const headerOf = (column: PasteColumn) => ("field" in column ? column.field.label : column.label);

/** The table as a grid of text with a header row, as it downloads (options by label, amounts in pounds). */
export function tableGrid(columns: PasteColumn[], rows: TableRowValues[]): string[][] {
  return [
    columns.map(headerOf),
    ...rows.map((row) =>
      columns.map((column) => {
        if ("year" in column) {
          const pence = row.amounts?.[column.year];
          return typeof pence === "number" ? formatPounds(pence) : "";
        }
        const value = row.fields[column.field.name];
        const text = typeof value === "string" ? value : value == null ? "" : String(value);
        return column.field.options?.find((option) => option.value === text)?.label ?? text;
      }),
    ),
  ];
}

/** The grid a download holds: the table with each row's id in a last column. */
export function downloadGrid(columns: PasteColumn[], rows: TableRowValues[]): string[][] {
  return tableGrid(columns, rows).map((cells, i) => [
    ...cells,
    i === 0 ? ROW_ID_HEADER : String(rows[i - 1]?.fields.id ?? ""),
  ]);
}

/** A CSV file's cells; an apostrophe our own download put before a formula-like cell comes off. */
export function parseCsv(text: string): string[][] {
  return parseTsv(text.replace(/^\uFEFF/, ""), ",").map((row) => row.map(restoreDefused));
}

/**
 * A file's rows in the table's column order, read by its header row: columns are matched by
 * name (any case); a file column the table does not have is reported, and a table column the
 * file lacks is left empty (and marked absent, so a merge leaves it alone). A "Row ID" column
 * gives each row's id.
 */
export function byHeader(grid: string[][], columns: PasteColumn[]): ImportFile & { unknownHeaders: string[] } {
  const [header = [], ...body] = grid.filter((row) => row.some((cell) => cell.trim() !== ""));
  const wanted = columns.map((column) => headerOf(column).trim().toLowerCase());
  const names = header.map((name) => name.trim().toLowerCase());
  const positions = names.map((name) => wanted.indexOf(name));
  const idColumn = names.indexOf(ROW_ID_HEADER.toLowerCase());
  const unknownHeaders = header.filter((name, i) => positions[i] === -1 && i !== idColumn && name.trim() !== "");
  const rows = body.map((cells) => {
    const row = columns.map(() => "");
    cells.forEach((cell, i) => {
      if (positions[i] !== undefined && positions[i] >= 0) row[positions[i]] = cell;
    });
    return row;
  });
  const ids = body.map((cells) => (idColumn >= 0 ? cells[idColumn]?.trim() || null : null));
  const present = columns.map((_, i) => positions.includes(i));
  return { rows, ids, present, unknownHeaders };
}
