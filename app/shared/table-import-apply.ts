import type * as Y from "yjs";
import { addRow, deleteRow, setAmount, setField } from "./section-rows";
import type { PasteWrite } from "./spreadsheet-paste";
import type { StructuredKind } from "./structured-fields";
import type { ImportOperations } from "./table-import";

/** Carries the import out in the document (the caller wraps it in one undoable edit). */
export function applyImport(
  doc: Y.Doc,
  sectionKey: string,
  kind: StructuredKind,
  newRow: Record<string, string>,
  operations: ImportOperations,
): void {
  const write = (rowId: string, change: PasteWrite) => {
    if ("year" in change) setAmount(doc, sectionKey, rowId, change.year, change.pence);
    else setField(doc, sectionKey, rowId, change.field, change.value);
  };
  for (const id of operations.deletes) deleteRow(doc, sectionKey, id);
  for (const { rowId, writes } of operations.updates) for (const change of writes) write(rowId, change);
  for (const writes of operations.adds) {
    const id = addRow(doc, sectionKey, kind, newRow);
    for (const change of writes) write(id, change);
  }
}
