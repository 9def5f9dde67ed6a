import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { addRow, moveRow, removeDuplicateRows, rowsOf } from "../../app/shared/section-rows";

describe("adding budget rows", () => {
  it("keeps the row type asked for, and makes funding lines by default", () => {
    const doc = new Y.Doc();
    addRow(doc, "budget", "budget", { rowType: "asset", organisation: "Swindon Borough Council" });
    addRow(doc, "budget", "budget", { organisation: "DWP" });
    expect(
      rowsOf(doc, "budget")
        .toJSON()
        .map((row: { rowType: string; organisation: string }) => [row.rowType, row.organisation]),
    ).toEqual([
      ["asset", "Swindon Borough Council"],
      ["funding", "DWP"],
    ]);
  });
});

describe("rows moved by two people at once", () => {
  it("leave two copies, which removeDuplicateRows folds back into one, the same way in every document", () => {
    const a = new Y.Doc();
    const ids = ["one", "two", "three"].map((name) => addRow(a, "outcomes", "outcomes", { outcome: name }));
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    moveRow(a, "outcomes", ids[1]!, -1);
    moveRow(b, "outcomes", ids[1]!, 1);
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    const idsOf = (doc: Y.Doc) =>
      rowsOf(doc, "outcomes")
        .toArray()
        .map((row) => row.get("id"));
    expect(idsOf(a).filter((id) => id === ids[1])).toHaveLength(2);

    expect(removeDuplicateRows(rowsOf(a, "outcomes"))).toBe(1);
    expect(removeDuplicateRows(rowsOf(b, "outcomes"))).toBe(1);
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    expect(idsOf(a)).toEqual(idsOf(b));
    expect(new Set(idsOf(a)).size).toBe(3);
    expect(idsOf(a)).toHaveLength(3);
  });
});
