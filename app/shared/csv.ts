/**
 * CSV files Coplan writes (RFC 4180, CRLF line ends as spreadsheets expect). A cell that a
 * spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a return)
 * gets a leading apostrophe, which spreadsheets read as "this is text": what a member typed
 * into a plan cannot execute on the computer of whoever opens the download.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function defuseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** Reading back a file Coplan wrote: the apostrophe `defuseFormula` added comes off. */
export function restoreDefused(text: string): string {
  return text.startsWith("'") && FORMULA_START.test(text.slice(1)) ? text.slice(1) : text;
}

function csvCell(text: string): string {
  const safe = defuseFormula(text);
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The rows as a CSV file, every cell defused and quoted as needed. */
export function toCsv(rows: readonly (readonly (string | number)[])[]): string {
  return rows.map((row) => row.map((value) => csvCell(String(value))).join(",")).join("\r\n") + "\r\n";
}
