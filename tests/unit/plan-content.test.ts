import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { sectionDataName, sectionFragmentName } from "../../app/shared/doc-names";
import { sectionData, sectionPlainText } from "../../server/plans/plan-content.server";

function element(name: string, children: (Y.XmlElement | Y.XmlText)[]): Y.XmlElement {
  const el = new Y.XmlElement(name);
  el.insert(0, children);
  return el;
}

describe("a section's plain text", () => {
  it("has one line per block, including list items and empty paragraphs, with formatting dropped", () => {
    const doc = new Y.Doc();
    const bold = new Y.XmlText();
    bold.insert(0, "Pooled ");
    bold.insert(7, "funding", { bold: true });
    doc
      .getXmlFragment(sectionFragmentName("s"))
      .insert(0, [
        element("heading", [new Y.XmlText("Title")]),
        element("paragraph", [bold]),
        element("paragraph", []),
        element("bulletList", [
          element("listItem", [element("paragraph", [new Y.XmlText("one")])]),
          element("listItem", [element("paragraph", [new Y.XmlText("two")])]),
        ]),
        element("paragraph", [new Y.XmlText("line"), element("hardBreak", []), new Y.XmlText("break")]),
      ]);
    expect(sectionPlainText(doc, "s")).toBe("Title\nPooled funding\n\none\ntwo\nline\nbreak");
  });

  it("is empty for a section nobody has written in", () => {
    expect(sectionPlainText(new Y.Doc(), "empty")).toBe("");
  });

  it("reads the structured part as plain JSON", () => {
    const doc = new Y.Doc();
    const rows = new Y.Array<Y.Map<unknown>>();
    const row = new Y.Map<unknown>();
    row.set("id", "r1");
    row.set("outcome", "Fewer families in crisis");
    rows.push([row]);
    doc.getMap(sectionDataName("outcomes")).set("rows", rows);
    expect(sectionData(doc, "outcomes")).toEqual({ rows: [{ id: "r1", outcome: "Fewer families in crisis" }] });
  });
});
