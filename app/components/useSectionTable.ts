import { useEffect, useMemo, useState } from "react";
import * as Y from "yjs";
import { sectionDataName } from "~/shared/doc-names";
import type { StructuredKind } from "~/shared/structured-fields";
import { tableUndoScope, type UndoScopes } from "./usePersonalUndo";

/**
 * One person's editing of a section's table: every change goes through `edit`, under an origin
 * of its own, and the undo manager tracks only that origin, so Ctrl+Z takes back this person's
 * row adds, deletes, moves and cell edits in this table, never anyone else's.
 */
export interface SectionTable {
  readonly doc: Y.Doc;
  readonly sectionKey: string;
  readonly kind: StructuredKind;
  /** Null until the page has mounted (and again after it unmounts). */
  readonly undoManager: Y.UndoManager | null;
  edit(change: () => void): void;
  /** The rows' shared maps by id, to bind text cells to their `Y.Text`. */
  rowsById(): Map<string, Y.Map<unknown>>;
}

export function useSectionTable(
  doc: Y.Doc,
  sectionKey: string,
  kind: StructuredKind,
  scopes: UndoScopes,
): SectionTable {
  const { data, origin } = useMemo(
    () => ({ data: doc.getMap(sectionDataName(sectionKey)), origin: { table: sectionKey } }),
    [doc, sectionKey],
  );
  const [undoManager, setUndoManager] = useState<Y.UndoManager | null>(null);
  useEffect(() => {
    const manager = new Y.UndoManager(data, { trackedOrigins: new Set([origin]) });
    setUndoManager(manager);
    const unregister = scopes.register(tableUndoScope(sectionKey), {
      undo: () => manager.undo(),
      redo: () => manager.redo(),
    });
    return () => {
      unregister();
      manager.destroy();
      setUndoManager(null);
    };
  }, [data, origin, scopes, sectionKey]);
  return useMemo(
    () => ({
      doc,
      sectionKey,
      kind,
      undoManager,
      edit: (change: () => void) => doc.transact(change, origin),
      rowsById: () => {
        const byId = new Map<string, Y.Map<unknown>>();
        const rows = data.get("rows");
        if (!(rows instanceof Y.Array)) return byId;
        for (const row of rows) {
          const id = row instanceof Y.Map ? row.get("id") : undefined;
          if (typeof id === "string" && !byId.has(id)) byId.set(id, row);
        }
        return byId;
      },
    }),
    [doc, sectionKey, kind, undoManager, data, origin],
  );
}
