import { readFileSync } from "node:fs";
import JSZip from "jszip";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { sectionDataName, sectionFragmentName } from "../../app/shared/doc-names";
import type { PlanSignoffView } from "../../app/shared/plan-events";
import { planTemplateSchema } from "../../app/shared/template-schema";
import type { Plan } from "../../db/schema";
import { planDocument } from "../../server/pdf/plan-document.server";
import { renderDocx } from "../../server/pdf/plan-docx.server";
import { renderTaggedPdf } from "../../server/pdf/tagged-pdf.server";
import { pdfUaProblems, structText } from "../support/pdf-structure";

const template = planTemplateSchema.parse(
  JSON.parse(
    readFileSync(new URL("../../plan-templates/families-with-multiple-problems.json", import.meta.url), "utf8"),
  ),
);
const plan: Plan = {
  id: "odd-values",
  title: "Odd values \u0000 plan",
  area: "Brent",
  templateId: template.id,
  template,
  createdBy: null,
  createdAt: new Date(0),
};
const signoffs: PlanSignoffView = {
  status: "draft",
  signed: 0,
  total: template.sections.length,
  sections: Object.fromEntries(
    template.sections.map((s) => [
      s.key,
      { state: "unsigned", requiredSides: s.signoff, records: [], returned: null, due: null, request: null },
    ]),
  ),
};

/** A row as a client could store it, whatever the editor would have written. */
function row(values: Record<string, unknown>): Y.Map<unknown> {
  const map = new Y.Map<unknown>();
  for (const [key, value] of Object.entries(values)) {
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      const inner = new Y.Map<unknown>();
      for (const [k, v] of Object.entries(value)) inner.set(k, v);
      map.set(key, inner);
    } else map.set(key, value);
  }
  return map;
}

function oddPlan(): Y.Doc {
  const doc = new Y.Doc();
  const budget = doc.getMap(sectionDataName("resources"));
  const rows = new Y.Array<Y.Map<unknown>>();
  budget.set("rows", rows);
  budget.set("years", Y.Array.from(["2012-13", "2013-14"]));
  rows.push([
    row({
      id: "a",
      organisation: 42,
      department: null,
      fundingLine: "Grant",
      treatment: "pooled",
      amounts: { "2012-13": Number.NaN, "2013-14": 1.5 },
    }),
    row({
      id: "b",
      organisation: "Brent Council",
      treatment: { odd: true },
      amounts: { "2012-13": 250_000_00, "2013-14": null },
    }),
    row({ id: "c", organisation: "", fundingLine: "", amounts: {} }),
    row({
      id: "d",
      rowType: "asset",
      organisation: "Library",
      assetType: "building",
      amounts: { "2013-14": Infinity },
    }),
  ]);
  const milestones = doc.getMap(sectionDataName("set-up-plan"));
  const milestoneRows = new Y.Array<Y.Map<unknown>>();
  milestones.set("rows", milestoneRows);
  milestoneRows.push([
    row({ id: "m", milestone: "Board \u0007 meets", due: "2026-13-45", status: 7 }),
    row({ id: "n", due: 5 }),
  ]);
  const fragment = doc.getXmlFragment(sectionFragmentName("partnership"));
  const paragraph = new Y.XmlElement("paragraph");
  fragment.insert(0, [paragraph]);
  paragraph.insert(0, [new Y.XmlText("Control \u0001 characters and 🙂 emoji")]);
  return doc;
}

describe("the plan's documents from odd stored values", () => {
  const input = () => ({
    plan,
    doc: oddPlan(),
    signoffs,
    comments: null,
    exportedAt: new Date(0),
    exportedBy: "A tester, Coplan",
  });

  it("read every value as text (the tolerant reader shows what does not fit, to be fixed) and leave out rows with nothing in them", () => {
    const content = planDocument(input());
    const budget = content.sections.find((s) => s.title === "2. Resources in the budget")!;
    const tables = budget.blocks.flatMap((block) => (block.type === "table" ? [block.table] : []));
    const funding = tables[0]!;
    expect(funding.rows.map((r) => r.cells)).toEqual([
      ["42", "", "Grant", "Pooled", "", "", "", ""],
      ["Brent Council", "", "", '{"odd":true}', "", "£250,000", "", "£250,000"],
    ]);
    const milestones = content.sections.find((s) => s.title === "6. Plan for setting up the project")!;
    const table = milestones.blocks.find((block) => block.type === "table")!;
    expect(table.type === "table" && table.table.rows.map((r) => r.cells[0])).toEqual(["2026-13-45", "5"]);
  });

  it("render as a tagged PDF that passes the structure check and as a Word document", async () => {
    const pdf = new Uint8Array(await renderTaggedPdf(planDocument(input())));
    expect(await pdfUaProblems(pdf)).toEqual([]);
    expect(structText(pdf)).toContain("Control   characters and");
    const docx = await JSZip.loadAsync(await renderDocx(planDocument(input())));
    expect(await docx.file("word/document.xml")!.async("string")).toContain("Board   meets");
  });
});
