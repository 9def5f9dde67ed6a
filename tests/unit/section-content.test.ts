import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { sectionFragmentName } from "../../app/shared/doc-names";
import { addRow, initialiseStructuredSections, setAmount, setField } from "../../app/shared/section-rows";
import type { PlanTemplate } from "../../app/shared/template-schema";
import {
  encodeSectionState,
  readableTextOfState,
  sectionContent,
  sectionContentHash,
  sectionReadableText,
} from "../../server/signoffs/section-content.server";

const template = {
  sections: [
    { key: "budget", kind: "budget" },
    { key: "story", kind: "text" },
  ],
} as unknown as PlanTemplate;

function paragraph(doc: Y.Doc, key: string): Y.XmlText {
  const element = new Y.XmlElement("paragraph");
  const text = new Y.XmlText();
  element.insert(0, [text]);
  const fragment = doc.getXmlFragment(sectionFragmentName(key));
  fragment.insert(fragment.length, [element]);
  return text;
}

function reload(doc: Y.Doc): Y.Doc {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  return copy;
}

describe("the hash of a section's content", () => {
  it("is the same after a reload", () => {
    const doc = new Y.Doc();
    paragraph(doc, "story").insert(0, "Pooled funding for families", { bold: true });
    expect(sectionContentHash(reload(doc), "story")).toBe(sectionContentHash(doc, "story"));
  });

  it("is the same for the same content typed in a different order, with marks applied differently", () => {
    const a = new Y.Doc();
    const textA = paragraph(a, "story");
    textA.insert(0, "Fewer families in crisis");
    textA.format(0, 5, { bold: {}, italic: {} });

    const b = new Y.Doc();
    const textB = paragraph(b, "story");
    textB.insert(0, "in crisis");
    textB.insert(0, "families ");
    textB.insert(0, "Fewer ");
    textB.format(0, 3, { italic: {} });
    textB.format(0, 5, { bold: {} });
    textB.format(3, 2, { italic: {} });
    // A formatting item that changes nothing still splits Yjs's delta; it must not change the hash.
    textB.format(10, 4, { underline: null });

    expect(sectionContent(b, "story")).toEqual(sectionContent(a, "story"));
    expect(sectionContentHash(b, "story")).toBe(sectionContentHash(a, "story"));
  });

  it("does not depend on the order marks were applied, which Yjs keeps", () => {
    const boldFirst = new Y.Doc();
    const a = paragraph(boldFirst, "story");
    a.insert(0, "Fewer families");
    a.format(0, 5, { bold: {} });
    a.format(0, 5, { italic: {} });
    const italicFirst = new Y.Doc();
    const b = paragraph(italicFirst, "story");
    b.insert(0, "Fewer families");
    b.format(0, 5, { italic: {} });
    b.format(0, 5, { bold: {} });
    expect(JSON.stringify(a.toDelta())).not.toBe(JSON.stringify(b.toDelta()));
    expect(sectionContentHash(italicFirst, "story")).toBe(sectionContentHash(boldFirst, "story"));
  });

  it("is the same when two clients build the same rows concurrently in either order of merge", () => {
    const a = new Y.Doc();
    initialiseStructuredSections(a, template);
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    const id = addRow(a, "budget", "budget", { organisation: "DWP" });
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    setAmount(a, "budget", id, "2012-13", 100_00);
    setField(b, "budget", id, "treatment", "pooled");
    const ab = reload(a);
    Y.applyUpdate(ab, Y.encodeStateAsUpdate(b));
    const ba = reload(b);
    Y.applyUpdate(ba, Y.encodeStateAsUpdate(a));
    expect(sectionContentHash(ab, "budget")).toBe(sectionContentHash(ba, "budget"));
  });

  it("changes on any change of text, marks, block type or rows", () => {
    const doc = new Y.Doc();
    initialiseStructuredSections(doc, template);
    const text = paragraph(doc, "story");
    text.insert(0, "Shadow budget");
    const id = addRow(doc, "budget", "budget", { organisation: "DWP" });
    const seen = new Set([sectionContentHash(doc, "story") + sectionContentHash(doc, "budget")]);
    const expectNew = () => {
      const hash = sectionContentHash(doc, "story") + sectionContentHash(doc, "budget");
      expect(seen.has(hash)).toBe(false);
      seen.add(hash);
    };
    text.insert(13, "s");
    expectNew();
    text.format(0, 6, { bold: {} });
    expectNew();
    text.format(0, 6, { link: { href: "https://example.org" } });
    expectNew();
    const heading = new Y.XmlElement("heading");
    heading.setAttribute("level", 2 as unknown as string);
    heading.insert(0, [new Y.XmlText("Title")]);
    doc.getXmlFragment(sectionFragmentName("story")).insert(0, [heading]);
    expectNew();
    heading.setAttribute("level", 3 as unknown as string);
    expectNew();
    setField(doc, "budget", id, "organisation", "DfE");
    expectNew();
    setAmount(doc, "budget", id, "2013-14", 1);
    expectNew();
    addRow(doc, "budget", "budget");
    expectNew();
  });

  it("only depends on its own section", () => {
    const doc = new Y.Doc();
    paragraph(doc, "story").insert(0, "Unchanged");
    const before = sectionContentHash(doc, "story");
    paragraph(doc, "other").insert(0, "Something else");
    expect(sectionContentHash(doc, "story")).toBe(before);
  });
});

describe("the stored state of a signed section", () => {
  it("holds the section alone and reads back as its text and rows", () => {
    const doc = new Y.Doc();
    initialiseStructuredSections(doc, template);
    paragraph(doc, "budget").insert(0, "Money we pool");
    paragraph(doc, "story").insert(0, "Another section");
    const id = addRow(doc, "budget", "budget", { organisation: "DWP" });
    setAmount(doc, "budget", id, "2012-13", 250_000_00);

    const state = encodeSectionState(doc, "budget");
    const copy = new Y.Doc();
    Y.applyUpdate(copy, state);
    expect(sectionContentHash(copy, "budget")).toBe(sectionContentHash(doc, "budget"));
    expect(copy.getXmlFragment(sectionFragmentName("story")).length).toBe(0);
    const text = readableTextOfState(state, "budget", "budget");
    expect(text).toContain("Money we pool");
    expect(text).toContain("Row 1: Organisation: DWP; 2012-13: £250,000");
    expect(text).not.toMatch(/amounts|organisation|rowType/);
  });
});

describe("the section as lines to compare", () => {
  it("names each cell by its column heading and each choice by its label, in the page's order", () => {
    const doc = new Y.Doc();
    const funding = addRow(doc, "budget", "budget", { fundingLine: "Formula grant", treatment: "pooled" });
    setAmount(doc, "budget", funding, "2013-14", 12_00);
    setAmount(doc, "budget", funding, "2012-13", 9_999_00);
    addRow(doc, "budget", "budget", { rowType: "asset", assetType: "building", description: "Civic offices" });
    addRow(doc, "plan", "milestones", { milestone: "Board agreed", status: "at-risk" });
    expect(sectionReadableText(doc, "budget", "budget").split("\n")).toEqual([
      "",
      "Row 1: Funding line: Formula grant; Treatment: Pooled; 2012-13: £9,999; 2013-14: £12",
      "Row 2: Asset: Building; Description: Civic offices",
    ]);
    expect(sectionReadableText(doc, "plan", "milestones")).toBe("\nRow 1: Milestone: Board agreed; Status: At risk");
  });
});
