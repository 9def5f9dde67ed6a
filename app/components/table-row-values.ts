import type { TableRowValues } from "~/shared/table-files";
import type { RowJson } from "./RowsTable";

/** A row as the table files (spreadsheet export and import) read it. */
export function rowValues(row: RowJson): TableRowValues {
  return { fields: row, amounts: row.amounts as Record<string, unknown> | undefined };
}

/** A budget row's amount for one year, in whole pence, if it has one. */
export function amountOf(row: RowJson, year: string): number | undefined {
  const amounts = row.amounts as Record<string, unknown> | undefined;
  const value = amounts?.[year];
  return typeof value === "number" ? value : undefined;
}
