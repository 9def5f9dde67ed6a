import { lazy, Suspense, useRef, useState } from "react";
import type { PasteColumn } from "~/shared/spreadsheet-paste";
import { toCsv } from "~/shared/csv";
import { byHeader, downloadGrid, parseCsv, type TableRowValues } from "~/shared/table-files";
import type { ImportOperations } from "~/shared/table-import";
import type { ChosenFile } from "./TableImportDialog";

/** Loaded once a file is chosen: the matching and its preview are not needed to show a table. */
const TableImportDialog = lazy(() =>
  import("./TableImportDialog").then((module) => ({ default: module.TableImportDialog })),
);

/**
 * Download a table as CSV or XLSX, and import one into it after a preview (TableImportDialog)
 * that matches the file's rows to the table's, so importing a download back never doubles a
 * budget. The XLSX code (exceljs) is loaded only when someone downloads or imports a workbook.
 */
export function TableFiles({
  name,
  columns,
  rows,
  keyFields,
  editable,
  onImport,
}: {
  name: string;
  columns: PasteColumn[];
  rows: TableRowValues[];
  /** The fields that name a row, to match file rows that carry no row id. */
  keyFields: readonly string[];
  editable: boolean;
  onImport: (operations: ImportOperations) => void;
}) {
  const [chosen, setChosen] = useState<ChosenFile | null>(null);
  const [error, setError] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const fileBase =
    name
      .replace(/[^\w-]+/g, "-")
      .replace(/^-|-$/g, "")
      .toLowerCase() || "table";

  const download = async (format: "csv" | "xlsx") => {
    const grid = downloadGrid(columns, rows);
    const blob =
      format === "csv"
        ? new Blob(["\uFEFF", toCsv(grid)], { type: "text/csv;charset=utf-8" })
        : new Blob([await workbookBytes(grid, columns)], {
            type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
          });
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = `${fileBase}.${format}`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  };

  const choose = async (file: File) => {
    setError(null);
    try {
      const grid = /\.xlsx$/i.test(file.name) ? await readWorkbook(file) : parseCsv(await file.text());
      const read = byHeader(grid, columns);
      if (read.rows.length === 0) {
        setError(`${file.name} has no rows under its header row.`);
        return;
      }
      setChosen({ fileName: file.name, ...read });
    } catch {
      setError(`${file.name} could not be read as a CSV or XLSX file.`);
    }
  };

  return (
    <div className="table-files">
      <button type="button" className="button small" onClick={() => void download("csv")}>
        Download CSV<span className="visually-hidden"> of {name}</span>
      </button>
      <button type="button" className="button small" onClick={() => void download("xlsx")}>
        Download XLSX<span className="visually-hidden"> of {name}</span>
      </button>
      {editable ? (
        <>
          <label className="button small table-files__import">
            Import CSV or XLSX<span className="visually-hidden"> into {name}</span>
            <input
              ref={fileInput}
              type="file"
              className="visually-hidden"
              accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              onChange={(event) => {
                const file = event.currentTarget.files?.[0];
                event.currentTarget.value = "";
                if (file) void choose(file);
              }}
            />
          </label>
          {error ? (
            <span className="cell-error" role="alert">
              {error}
            </span>
          ) : null}
        </>
      ) : null}
      {chosen ? (
        <Suspense fallback={null}>
          <TableImportDialog
            chosen={chosen}
            name={name}
            columns={columns}
            rows={rows}
            keyFields={keyFields}
            onImport={onImport}
            onClose={() => setChosen(null)}
          />
        </Suspense>
      ) : null}
    </div>
  );
}

async function workbookBytes(grid: string[][], columns: PasteColumn[]): Promise<ArrayBuffer> {
  const ExcelJS = (await import("exceljs")).default;
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet("Table");
  const [header = [], ...body] = grid;
  sheet.addRow(header).font = { bold: true };
  for (const row of body) {
    // Amounts go in as numbers in pounds, so the spreadsheet can add them up.
    sheet.addRow(
      row.map((cell, i) => {
        const column = columns[i];
        if (!column || !("year" in column) || cell === "") return cell;
        return Number(cell.replace(/[£,]/g, ""));
      }),
    );
  }
  columns.forEach((column, i) => {
    if ("year" in column) sheet.getColumn(i + 1).numFmt = '"£"#,##0.00';
  });
  return workbook.xlsx.writeBuffer() as Promise<ArrayBuffer>;
}

async function readWorkbook(file: File): Promise<string[][]> {
  const ExcelJS = (await import("exceljs")).default;
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(await file.arrayBuffer());
  const sheet = workbook.worksheets[0];
  if (!sheet) return [];
  const grid: string[][] = [];
  sheet.eachRow((row) => {
    const cells: string[] = [];
    for (let i = 1; i <= sheet.columnCount; i++) {
      const value = row.getCell(i).value;
      cells.push(typeof value === "number" ? String(value) : row.getCell(i).text);
    }
    grid.push(cells);
  });
  return grid;
}
