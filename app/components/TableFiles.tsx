import { useId, useRef, useState } from "react";
import { formatPounds } from "~/shared/budget";
import type { PasteColumn, PasteProblem } from "~/shared/spreadsheet-paste";
import { toCsv } from "~/shared/csv";
import { byHeader, downloadGrid, parseCsv, type TableRowValues } from "~/shared/table-files";
import {
  importOperations,
  importTotals,
  matchImport,
  type ExistingRow,
  type ImportFile,
  type ImportMatch,
  type ImportMode,
  type ImportOperations,
} from "~/shared/table-import";
import { ConfirmDialog } from "./ConfirmDialog";

interface Preview {
  fileName: string;
  file: ImportFile;
  match: ImportMatch;
  unknownHeaders: string[];
}

/**
 * Download a table as CSV or XLSX, and import one into it after a preview. The preview matches
 * the file's rows to the table's (by the row id a download writes, else by the key columns) and
 * offers to update matching rows and add new ones, replace the table or add every row, with the
 * table's money before and after, so importing a download back never doubles a budget. The XLSX
 * code (exceljs) is loaded only when someone downloads or imports a workbook.
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
  const [preview, setPreview] = useState<Preview | null>(null);
  const [mode, setMode] = useState<ImportMode>("merge");
  const [error, setError] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const existing: ExistingRow[] = rows.map((values) => ({ id: String(values.fields.id ?? ""), values }));
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

  const choose = async (chosen: File) => {
    setError(null);
    try {
      const grid = /\.xlsx$/i.test(chosen.name) ? await readWorkbook(chosen) : parseCsv(await chosen.text());
      const { unknownHeaders, ...file } = byHeader(grid, columns);
      if (file.rows.length === 0) {
        setError(`${chosen.name} has no rows under its header row.`);
        return;
      }
      const match = matchImport(file, existing, columns, keyFields);
      setMode(match.targets.some(Boolean) || existing.length === 0 ? "merge" : "add");
      setPreview({ fileName: chosen.name, file, match, unknownHeaders });
    } catch {
      setError(`${chosen.name} could not be read as a CSV or XLSX file.`);
    }
  };

  const operations = preview
    ? importOperations(
        preview.file,
        preview.match,
        mode,
        existing.map((row) => row.id),
        columns,
      )
    : null;

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
        title={preview ? `Import ${preview.file.rows.length} rows from ${preview.fileName}?` : ""}
        confirmLabel={operations ? confirmLabel(operations, name) : "Import"}
        onCancel={() => setPreview(null)}
        onConfirm={() => {
          if (operations) onImport(operations);
          setPreview(null);
        }}
      >
        {preview && operations ? (
          <ImportPreview
            preview={preview}
            columns={columns}
            mode={mode}
            onMode={setMode}
            existingIds={existing.map((row) => row.id)}
            totals={importTotals(existing, operations, columns)}
            problems={operations.problems}
          />
        ) : null}
      </ConfirmDialog>
    </div>
  );
}

function confirmLabel(operations: ImportOperations, name: string): string {
  const parts = [
    operations.deletes.length ? `delete ${count(operations.deletes.length, "row")}` : "",
    operations.updates.length ? `update ${count(operations.updates.length, "row")}` : "",
    operations.adds.length ? `add ${count(operations.adds.length, "row")}` : "",
  ].filter(Boolean);
  const text = parts.length ? parts.join(", ") : "change nothing";
  return `${text[0]!.toUpperCase()}${text.slice(1)} in ${name}`;
}

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

function ImportPreview({
  preview,
  columns,
  mode,
  onMode,
  existingIds,
  totals,
  problems,
}: {
  preview: Preview;
  columns: PasteColumn[];
  mode: ImportMode;
  onMode: (mode: ImportMode) => void;
  existingIds: string[];
  totals: { before: number; after: number } | null;
  problems: PasteProblem[];
}) {
  const legendId = useId();
  const { file, match } = preview;
  const shown = file.rows.slice(0, 5);
  const merge = importOperations(file, match, "merge", existingIds, columns);
  const matched = merge.updates.length;
  const choices: { value: ImportMode; label: string }[] = [
    {
      value: "merge",
      label: `Update matching rows and add new ones (${count(matched, "row")} updated, ${count(merge.adds.length, "row")} added)`,
    },
    {
      value: "replace",
      label: `Replace the table (delete its ${count(existingIds.length, "row")}, then add the file's ${file.rows.length})`,
    },
    { value: "add", label: `Add as new rows (all ${file.rows.length}, matching or not)` },
  ];
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
      {file.rows.length > shown.length ? (
        <p className="muted">…and {file.rows.length - shown.length} more rows.</p>
      ) : null}
      <fieldset className="import-preview__modes" aria-describedby={legendId}>
        <legend id={legendId}>
          {matched > 0
            ? `${count(matched, "row")} of the file ${matched === 1 ? "matches a row" : "match rows"} the table has.`
            : "No row of the file matches a row the table has."}
        </legend>
        {choices.map((choice) => (
          <label key={choice.value} className="import-preview__mode">
            <input
              type="radio"
              name="import-mode"
              value={choice.value}
              checked={mode === choice.value}
              onChange={() => onMode(choice.value)}
            />{" "}
            {choice.label}
          </label>
        ))}
      </fieldset>
      {totals ? (
        <p data-testid="import-totals">
          Money in this table: <strong>{formatPounds(totals.before)}</strong> now,{" "}
          <strong>{formatPounds(totals.after)}</strong> after the import
          {totals.after === totals.before ? " (unchanged)" : ""}.
        </p>
      ) : null}
      {match.duplicates.length ? (
        <div className="alert error" data-testid="import-duplicates">
          <p>
            {match.duplicates.length === 1 ? "One row repeats" : `${match.duplicates.length} rows repeat`} an earlier
            row of the file{mode === "merge" ? " and will be left out" : ""}:
          </p>
          <ul>
            {match.duplicates.map((d) => (
              <li key={d.fileRow}>
                Row {d.fileRow + 1} ({d.name}) repeats row {d.firstFileRow + 1}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {preview.unknownHeaders.length ? (
        <p className="alert error">Columns this table does not have, left out: {preview.unknownHeaders.join(", ")}</p>
      ) : null}
      {problems.length ? (
        <div className="alert error">
          <p>These cells cannot be read and will be left empty:</p>
          <ul>
            {problems.map((problem, i) => (
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
