import { useId, useState } from "react";
import { formatPounds } from "~/shared/budget";
import type { PasteColumn, PasteProblem } from "~/shared/spreadsheet-paste";
import type { TableRowValues } from "~/shared/table-files";
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

/** A file read by its header row, about to be imported. */
export type ChosenFile = ImportFile & { fileName: string; unknownHeaders: string[] };

interface Preview {
  fileName: string;
  file: ImportFile;
  match: ImportMatch;
  unknownHeaders: string[];
}

/**
 * The import preview: the file's rows matched to the table's (by the row id a download writes,
 * else by the key columns), a choice to update matching rows and add new ones, replace the
 * table or add every row, and the table's money before and after, before anything changes.
 */
export function TableImportDialog({
  chosen,
  name,
  columns,
  rows,
  keyFields,
  onImport,
  onClose,
}: {
  chosen: ChosenFile;
  name: string;
  columns: PasteColumn[];
  rows: TableRowValues[];
  keyFields: readonly string[];
  onImport: (operations: ImportOperations) => void;
  onClose: () => void;
}) {
  const existing: ExistingRow[] = rows.map((values) => ({ id: String(values.fields.id ?? ""), values }));
  const { fileName, unknownHeaders, ...file } = chosen;
  const match = matchImport(file, existing, columns, keyFields);
  const preview: Preview = { fileName, file, match, unknownHeaders };
  const [mode, setMode] = useState<ImportMode>(match.targets.some(Boolean) || existing.length === 0 ? "merge" : "add");
  const operations = importOperations(
    file,
    match,
    mode,
    existing.map((row) => row.id),
    columns,
  );
  return (
    <ConfirmDialog
      open
      title={`Import ${file.rows.length} rows from ${fileName}?`}
      confirmLabel={confirmLabel(operations, name)}
      onCancel={onClose}
      onConfirm={() => {
        onImport(operations);
        onClose();
      }}
    >
      <ImportPreview
        preview={preview}
        columns={columns}
        mode={mode}
        onMode={setMode}
        existingIds={existing.map((row) => row.id)}
        totals={importTotals(existing, operations, columns)}
        problems={operations.problems}
      />
    </ConfirmDialog>
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
  const headings = columns.map((column) => ("field" in column ? column.field.label : column.label));
  return (
    <div className="import-preview" data-testid="import-preview">
      <div className="import-preview__table">
        <table className="totals">
          <thead>
            <tr>
              {headings.map((heading, i) => (
                <th key={i} scope="col">
                  {heading}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.map((row, r) => (
              <tr key={r}>
                {row.map((cell, c) => (
                  <td key={c} data-label={headings[c]}>
                    {cell}
                  </td>
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
