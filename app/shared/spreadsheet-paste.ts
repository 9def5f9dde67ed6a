import { parsePounds } from "./budget";
import type { FieldDef } from "./structured-fields";

/** A table column as a pasted value is read into it: a row field, or one year's amount. */
export type PasteColumn = { field: FieldDef } | { year: string; label: string };

/** One value to write: a field's text or a year's amount in pence, by row index. */
export type PasteWrite =
  { row: number; field: string; value: string } | { row: number; year: string; pence: number | null };

export interface PasteProblem {
  row: number;
  column: string;
  text: string;
  error: string;
}

/**
 * Cells copied from Excel or Google Sheets arrive as tab-separated lines; a cell holding a tab,
 * a line break or a quote is quoted, with quotes doubled (as in CSV).
 */
export function parseTsv(text: string, separator = "\t"): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"' && cell === "") quoted = true;
    else if (char === separator) {
      row.push(cell);
      cell = "";
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && text[i + 1] === "\n") i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else cell += char;
  }
  if (cell !== "" || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** Whether pasted text is a block of cells rather than words for one cell. */
export function isCellBlock(text: string): boolean {
  return /[\t\n\r]/.test(text.replace(/[\r\n]+$/, ""));
}

/**
 * What a pasted block writes, starting at a cell: each line fills a row (rows past the end are
 * new rows), each value the next column. A value a column cannot hold (a word where an amount
 * goes, an option the column does not have, a date it cannot read) is not written and is
 * reported, never silently dropped; values past the last column are reported too.
 */
export function planPaste(
  grid: string[][],
  columns: PasteColumn[],
  start: { row: number; col: number },
): { writes: PasteWrite[]; problems: PasteProblem[]; rowsNeeded: number } {
  const writes: PasteWrite[] = [];
  const problems: PasteProblem[] = [];
  grid.forEach((cells, r) => {
    const row = start.row + r;
    cells.forEach((raw, c) => {
      const column = columns[start.col + c];
      const text = raw.trim();
      if (!column) {
        if (text) problems.push({ row, column: `column ${start.col + c + 1}`, text, error: "no such column" });
        return;
      }
      const read = readValue(column, text);
      if ("error" in read) problems.push({ row, column: columnLabel(column), text, error: read.error });
      else if ("year" in column) writes.push({ row, year: column.year, pence: read.pence! });
      else writes.push({ row, field: column.field.name, value: read.value! });
    });
  });
  return { writes, problems, rowsNeeded: start.row + grid.length };
}

function columnLabel(column: PasteColumn): string {
  return "field" in column ? column.field.label : column.label;
}

function readValue(column: PasteColumn, text: string): { value?: string; pence?: number | null } | { error: string } {
  if ("year" in column) {
    if (text === "") return { pence: null };
    const parsed = parsePounds(text);
    return parsed.ok ? { pence: parsed.pence } : { error: parsed.error };
  }
  const { field } = column;
  if (field.type === "select" && field.options) {
    if (text === "") return { value: "" };
    const wanted = text.toLowerCase();
    const option = field.options.find((o) => o.value === wanted || o.label.toLowerCase() === wanted);
    return option ? { value: option.value } : { error: `not one of ${field.options.map((o) => o.label).join(", ")}` };
  }
  if (field.type === "date") {
    if (text === "") return { value: "" };
    const date = readDate(text);
    return date ? { value: date } : { error: "not a date (use 31/03/2013 or 2013-03-31)" };
  }
  return { value: text.slice(0, 2000) };
}

/** A British day/month/year or an ISO date, as ISO; null if it is not a real date. */
export function readDate(text: string): string | null {
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
  const british = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$/.exec(text);
  const [year, month, day] = iso
    ? [Number(iso[1]), Number(iso[2]), Number(iso[3])]
    : british
      ? [Number(british[3]!.length === 2 ? `20${british[3]}` : british[3]), Number(british[2]), Number(british[1])]
      : [NaN, NaN, NaN];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (Number.isNaN(date.getTime()) || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return date.toISOString().slice(0, 10);
}
