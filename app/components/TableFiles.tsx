import { useRef, useState } from "react";
import { planPaste, type PasteColumn, type PasteProblem } from "~/shared/spreadsheet-paste";
import { toCsv } from "~/shared/csv";
import { byHeader, parseCsv, tableGrid, type TableRowValues } from "~/shared/table-files";
import { ConfirmDialog } from "./ConfirmDialog";

interface Preview {
  fileName: string;
  rows: string[][];
  problems: PasteProblem[];
  unknownHeaders: string[];
}

/**
 * Download a table as CSV or XLSX, and import one into it after a preview that shows what will
 * be added and every cell that cannot be read. The XLSX code (exceljs) is loaded only when
 * someone downloads or imports a workbook, so it is not in the plan page's first JavaScript.
 */
export function TableFiles({
  name,
  columns,
  rows,
  editable,
  onImport,
}: {
  name: string;
  columns: PasteColumn[];
  rows: TableRowValues[];
  editable: boolean;
  onImport: (rows: string[][]) => void;
}) {
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const fileBase =
    name
      .replace(/[^\w-]+/g, "-")
      .replace(/^-|-$/g, "")
      .toLowerCase() || "table";

  const download = async (format: "csv" | "xlsx") => {
    const grid = tableGrid(columns, rows);
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
      const { rows: fileRows, unknownHeaders } = byHeader(grid, columns);
      if (fileRows.length === 0) {
        setError(`${file.name} has no rows under its header row.`);
        return;
      }
      const { problems } = planPaste(fileRows, columns, { row: 0, col: 0 });
      setPreview({ fileName: file.name, rows: fileRows, problems, unknownHeaders });
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
      <ConfirmDialog
        open={preview !== null}
        title={preview ? `Import ${preview.rows.length} rows from ${preview.fileName}?` : ""}
        confirmLabel={preview ? `Add ${preview.rows.length} rows to ${name}` : "Import"}
        onCancel={() => setPreview(null)}
        onConfirm={() => {
          if (preview) onImport(preview.rows);
          setPreview(null);
        }}
      >
        {preview ? <ImportPreview preview={preview} columns={columns} /> : null}
      </ConfirmDialog>
    </div>
  );
}

function ImportPreview({ preview, columns }: { preview: Preview; columns: PasteColumn[] }) {
  const shown = preview.rows.slice(0, 5);
  return (
    <div className="import-preview" data-testid="import-preview">
      <div className="import-preview__table">
        <table className="totals">
          <thead>
            <tr>
              {columns.map((column, i) => (
                <th key={i} scope="col">
                  {"field" in column ? column.field.label : column.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.map((row, r) => (
              <tr key={r}>
                {row.map((cell, c) => (
                  <td key={c}>{cell}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {preview.rows.length > shown.length ? (
        <p className="muted">…and {preview.rows.length - shown.length} more rows.</p>
      ) : null}
      {preview.unknownHeaders.length ? (
        <p className="alert error">Columns this table does not have, left out: {preview.unknownHeaders.join(", ")}</p>
      ) : null}
      {preview.problems.length ? (
        <div className="alert error">
          <p>These cells cannot be read and will be left empty:</p>
          <ul>
            {preview.problems.map((problem, i) => (
              <li key={i}>
                Row {problem.row + 1}, {problem.column}: “{problem.text}”: {problem.error}
              </li>
            ))}
          </ul>
        </div>
      ) : (
        <p>Every cell can be read.</p>
      )}
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
