import { useEffect, useMemo, useRef, useState } from "react";
import type * as Y from "yjs";
import { sectionDataName } from "~/shared/doc-names";
import type { PasteProblem } from "~/shared/spreadsheet-paste";
import { MILESTONE_STATUSES, STRUCTURED_FIELDS, type StructuredKind } from "~/shared/structured-fields";
import { BudgetTables, type Paster, type TableActions } from "./BudgetTables";
import { focusNewRow, RowsTable, type RowJson } from "./RowsTable";
import { TableFiles } from "./TableFiles";
import { keyFieldsOf } from "~/shared/table-keys";
import { tableEdits, type TableEdits } from "./table-edits";
import { rowValues } from "./table-row-values";
import { tableUndoScope, type UndoScopes } from "./usePersonalUndo";
import { useSectionTable, type SectionTable } from "./useSectionTable";
import { useYJson } from "./useYJson";
import { normaliseSectionData } from "~/shared/section-values";

interface SectionData {
  rows?: RowJson[];
  years?: string[];
}

/**
 * The structured part of a section, co-edited live through its `data:<key>` map. It is one
 * undo scope: with focus anywhere in it, Ctrl+Z takes back this person's own table changes.
 */
export function StructuredSection({
  doc,
  sectionKey,
  kind,
  title,
  editable,
  undoScopes,
}: {
  doc: Y.Doc;
  sectionKey: string;
  kind: StructuredKind;
  title: string;
  editable: boolean;
  undoScopes: UndoScopes;
}) {
  const map = useMemo(() => doc.getMap(sectionDataName(sectionKey)), [doc, sectionKey]);
  // Through the tolerant reader: a stored plan may hold rows that are not maps, or odd values.
  const json = useYJson<unknown>(map);
  const data = useMemo(() => normaliseSectionData(json) as SectionData, [json]);
  const table = useSectionTable(doc, sectionKey, kind, undoScopes);
  // Read on every render: rows come and go, and a moved row is a new map.
  const rowMaps = table.rowsById();
  const edits = useMemo(() => tableEdits(table), [table]);
  const deletion = useDeletionNotice(table, edits);
  const rows = data.rows ?? [];
  const [pasteReport, setPasteReport] = useState<{ rows: number; problems: PasteProblem[] } | null>(null);
  const actions: TableActions = {
    table,
    rowMaps,
    onDelete: (id, rowName) => deletion.remove(id, rowName),
    onMove: (id, delta) => edits.moveRow(id, delta),
  };
  const paster: Paster = (tableRows, columns, newRow) => (start, grid) =>
    setPasteReport({ rows: grid.length, problems: edits.paste(tableRows, columns, newRow, start, grid) });
  return (
    <div
      className="structured"
      data-kind={kind}
      data-undo-scope={tableUndoScope(sectionKey)}
      tabIndex={-1}
      ref={deletion.scopeRef}
    >
      {kind === "budget" ? (
        <BudgetTables
          sectionKey={sectionKey}
          data={data}
          editable={editable}
          actions={actions}
          edits={edits}
          paster={editable ? paster : undefined}
          onRemoveYear={(year) => deletion.undoable(`Year ${year} removed`, () => edits.removeYear(year))}
        />
      ) : (
        <>
          {kind === "milestones" ? <Timeline rows={rows} /> : null}
          <RowsTable
            caption={title}
            fields={STRUCTURED_FIELDS[kind]}
            rows={rows}
            editable={editable}
            {...actions}
            onPasteBlock={
              editable
                ? paster(
                    rows,
                    STRUCTURED_FIELDS[kind].map((field) => ({ field })),
                    {},
                  )
                : undefined
            }
          />
          {editable ? (
            <button type="button" className="button small" onClick={() => focusNewRow(edits.addRow())}>
              + Add row
            </button>
          ) : null}
          <TableFiles
            name={title}
            columns={STRUCTURED_FIELDS[kind].map((field) => ({ field }))}
            rows={rows.map(rowValues)}
            editable={editable}
            keyFields={keyFieldsOf(kind)}
            onImport={(operations) => edits.importRows({}, operations)}
          />
        </>
      )}
      {deletion.notice}
      <PasteReport report={pasteReport} onDismiss={() => setPasteReport(null)} />
    </div>
  );
}

/** After a paste: how many rows it filled, and every cell it could not read, by row and column. */
function PasteReport({
  report,
  onDismiss,
}: {
  report: { rows: number; problems: PasteProblem[] } | null;
  onDismiss: () => void;
}) {
  if (!report) return null;
  const { rows, problems } = report;
  return (
    <div
      className={`paste-report${problems.length ? " paste-report--problems" : ""}`}
      role={problems.length ? "alert" : "status"}
      data-testid="paste-report"
    >
      <p>
        Pasted {rows} {rows === 1 ? "row" : "rows"}.
        {problems.length
          ? ` ${problems.length} ${problems.length === 1 ? "cell was" : "cells were"} not filled:`
          : null}{" "}
        <button type="button" className="button link small" onClick={onDismiss}>
          Dismiss
        </button>
      </p>
      {problems.length ? (
        <ul>
          {problems.map((problem, i) => (
            <li key={i}>
              Row {problem.row + 1}, {problem.column}: “{problem.text}”: {problem.error}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** How long "Row 3 deleted · Undo" stays offered. */
const DELETION_NOTICE_MS = 15_000;

/**
 * Deleting a row acts at once, as in a spreadsheet, and then offers to take it back: a notice
 * with Undo, which undoes exactly that deletion while it is still this person's latest change.
 * Focus moves to the notice, so Ctrl+Z works from there too.
 */
function useDeletionNotice(table: SectionTable, edits: TableEdits) {
  const [deleted, setDeleted] = useState<{ label: string; item: unknown } | null>(null);
  const scopeRef = useRef<HTMLDivElement>(null);
  const undoButton = useRef<HTMLButtonElement>(null);
  const manager = table.undoManager;

  useEffect(() => {
    if (!manager || !deleted) return;
    const dismiss = () => {
      if (undoButton.current && document.activeElement === undoButton.current) scopeRef.current?.focus();
      setDeleted(null);
    };
    const onAdded = ({ stackItem, type }: { stackItem: unknown; type: "undo" | "redo" }) => {
      if (type === "undo" && stackItem !== deleted.item) dismiss();
    };
    const onPopped = ({ stackItem }: { stackItem: unknown }) => {
      if (stackItem === deleted.item) dismiss();
    };
    manager.on("stack-item-added", onAdded);
    manager.on("stack-item-popped", onPopped);
    const timer = setTimeout(dismiss, DELETION_NOTICE_MS);
    return () => {
      manager.off("stack-item-added", onAdded);
      manager.off("stack-item-popped", onPopped);
      clearTimeout(timer);
    };
  }, [manager, deleted]);

  useEffect(() => {
    if (deleted) undoButton.current?.focus();
  }, [deleted]);

  /** Makes a removal as one step of this person's undo, and offers to take it back. */
  const undoable = (label: string, change: () => void) => {
    if (!manager) return;
    manager.stopCapturing();
    change();
    setDeleted({ label, item: manager.undoStack.at(-1) });
  };
  const remove = (id: string, rowName: string) => undoable(`${rowName} deleted`, () => edits.deleteRow(id));

  const notice = (
    <div className="table-notice" role="status" aria-live="polite">
      {deleted ? (
        <>
          <span>{deleted.label}</span>
          <span aria-hidden> · </span>
          <button
            type="button"
            ref={undoButton}
            className="button link small"
            onClick={() => {
              if (manager && manager.undoStack.at(-1) === deleted.item) manager.undo();
            }}
          >
            Undo
          </button>
        </>
      ) : null}
    </div>
  );
  return { remove, undoable, notice, scopeRef };
}

/** Milestones in date order on a line; overdue ones (past due and not done) are marked. */
function Timeline({ rows }: { rows: RowJson[] }) {
  const today = new Date().toISOString().slice(0, 10);
  const dated = rows
    .filter(
      (row): row is RowJson & { due: string } => typeof row.due === "string" && /^\d{4}-\d{2}-\d{2}$/.test(row.due),
    )
    .sort((a, b) => a.due.localeCompare(b.due));
  if (dated.length === 0) return null;
  return (
    <ol className="timeline" aria-label="Timeline">
      {dated.map((row) => {
        const overdue = row.due < today && row.status !== "done";
        const status = MILESTONE_STATUSES.find((s) => s.value === row.status)?.label ?? "No status";
        return (
          <li
            key={row.id}
            className={`timeline__item timeline__item--${String(row.status || "none")}${overdue ? " timeline__item--overdue" : ""}`}
          >
            <time dateTime={row.due}>{formatDate(row.due)}</time>
            <span className="timeline__title">{String(row.milestone || "Untitled milestone")}</span>
            <span className="timeline__status">{overdue ? `Overdue · ${status}` : status}</span>
          </li>
        );
      })}
    </ol>
  );
}

function formatDate(isoDate: string): string {
  return new Date(`${isoDate}T00:00:00Z`).toLocaleDateString("en-GB", {
    day: "numeric",
    month: "short",
    year: "numeric",
    timeZone: "UTC",
  });
}
