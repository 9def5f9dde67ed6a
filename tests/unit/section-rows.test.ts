import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { addRow, rowsOf } from "../../app/lib/section-rows";

describe("adding budget rows", () => {
  it("keeps the row type asked for, and makes funding lines by default", () => {
    const doc = new Y.Doc();
    addRow(doc, "budget", "budget", { rowType: "asset", organisation: "Swindon Borough Council" });
    addRow(doc, "budget", "budget", { organisation: "DWP" });
    expect(rowsOf(doc, "budget").toJSON().map((row: { rowType: string; organisation: string }) => [row.rowType, row.organisation])).toEqual([
      ["asset", "Swindon Borough Council"],
      ["funding", "DWP"],
    ]);
  });
});
