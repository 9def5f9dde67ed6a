import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { mapThroughDelta, type DeltaStep } from "../../app/shared/text-delta";
import { addRow, convertTextCells, moveRow, rowsOf, setField, textEdit } from "../../app/shared/section-rows";
import { sectionDataName } from "../../app/shared/doc-names";

const sync = (a: Y.Doc, b: Y.Doc) => {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
};

describe("text cells", () => {
  it("are Y.Text in new rows, for the kind's free-text fields only", () => {
    const doc = new Y.Doc();
    addRow(doc, "budget", "budget", { organisation: "DWP", treatment: "pooled" });
    addRow(doc, "budget", "budget", { rowType: "asset", description: "Civic Offices" });
    const [funding, asset] = rowsOf(doc, "budget").toArray();
    expect(funding!.get("organisation")).toBeInstanceOf(Y.Text);
    expect(funding!.get("fundingLine")).toBeInstanceOf(Y.Text);
    expect(funding!.get("treatment")).toBe("pooled");
    expect(asset!.get("description")).toBeInstanceOf(Y.Text);
    expect(asset!.get("assetType")).toBeUndefined();
    expect(rowsOf(doc, "budget").toJSON()[0]).toMatchObject({
      organisation: "DWP",
      treatment: "pooled",
      rowType: "funding",
    });
  });

  it("merge two people's typing into one cell character by character", () => {
    const a = new Y.Doc();
    const id = addRow(a, "outcomes", "outcomes", { outcome: "" });
    const b = new Y.Doc();
    sync(a, b);
    setField(a, "outcomes", id, "outcome", "Youth offending");
    setField(b, "outcomes", id, "outcome", "Family support");
    sync(a, b);
    const merged = rowsOf(a, "outcomes").toJSON()[0].outcome as string;
    expect(merged).toBe(rowsOf(b, "outcomes").toJSON()[0].outcome);
    expect(merged === "Youth offendingFamily support" || merged === "Family supportYouth offending").toBe(true);
  });

  it("keep their text when a row is moved", () => {
    const doc = new Y.Doc();
    const ids = ["first", "second"].map((outcome) => addRow(doc, "outcomes", "outcomes", { outcome }));
    moveRow(doc, "outcomes", ids[1]!, -1);
    expect(
      rowsOf(doc, "outcomes")
        .toJSON()
        .map((row: { outcome: string }) => row.outcome),
    ).toEqual(["second", "first"]);
  });
});

describe("converting an old plan's string cells", () => {
  it("turns each free-text string into Y.Text once, keeping what every row reads as", () => {
    const doc = new Y.Doc();
    const rows = new Y.Array<Y.Map<unknown>>();
    doc.getMap(sectionDataName("budget")).set("rows", rows);
    const row = new Y.Map<unknown>();
    row.set("id", "r1");
    row.set("rowType", "funding");
    row.set("organisation", "Swindon Borough Council");
    row.set("treatment", "pooled");
    row.set("notes", "");
    rows.push([row]);
    const before = doc.getMap(sectionDataName("budget")).toJSON();
    const sections = [{ key: "budget", kind: "budget" as const }];

    expect(convertTextCells(doc, sections)).toBe(2);
    expect(row.get("organisation")).toBeInstanceOf(Y.Text);
    expect(row.get("treatment")).toBe("pooled");
    expect(doc.getMap(sectionDataName("budget")).toJSON()).toEqual(before);
    expect(convertTextCells(doc, sections)).toBe(0);
  });
});

describe("textEdit", () => {
  it("finds the one replacement between two strings", () => {
    expect(textEdit("Youth", "Youth offending")).toEqual({ index: 5, remove: 0, insert: " offending" });
    expect(textEdit("Youth offending", "Youth ending")).toEqual({ index: 6, remove: 3, insert: "" });
    expect(textEdit("same", "same")).toBeNull();
  });

  it("puts the edit at the caret when the text around it repeats", () => {
    expect(textEdit("ab", "abb", 2)).toEqual({ index: 1, remove: 0, insert: "b" });
    expect(textEdit("ab", "abb", 3)).toEqual({ index: 2, remove: 0, insert: "b" });
    expect(textEdit("aaa", "aa", 1)).toEqual({ index: 1, remove: 1, insert: "" });
  });

  it("never splits a surrogate pair", () => {
    const edit = textEdit("a😀b", "a😃b")!;
    expect(edit.index).toBe(1);
    expect(edit.remove).toBe(2);
    expect(edit.insert).toBe("😃");
  });
});

describe("mapThroughDelta", () => {
  const cases: [string, DeltaStep[], number, number][] = [
    ["insert before the caret pushes it on", [{ retain: 1 }, { insert: "xy" }], 3, 5],
    ["insert after the caret leaves it", [{ retain: 4 }, { insert: "xy" }], 3, 3],
    ["insert at the caret goes after it", [{ retain: 3 }, { insert: "xy" }], 3, 3],
    ["delete before the caret pulls it back", [{ delete: 2 }], 3, 1],
    ["delete across the caret puts it at the start of the gap", [{ retain: 1 }, { delete: 4 }], 3, 1],
    ["delete after the caret leaves it", [{ retain: 3 }, { delete: 2 }], 3, 3],
  ];
  it.each(cases)("%s", (_name, delta, caret, expected) => {
    expect(mapThroughDelta(delta, caret)).toBe(expected);
  });
});
