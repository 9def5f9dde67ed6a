import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { sectionFragmentName } from "../../app/shared/doc-names";
import { addRow, initialiseStructuredSections, rowsOf, setField } from "../../app/shared/section-rows";
import type { Plan } from "../../db/schema";
import { sectionPlainText, sectionData } from "../../server/plans/plan-content.server";
import { TEMPLATES_DIR } from "../../server/services.server";
import { loadTemplates } from "../../server/templates/template-files.server";
import { restoreEdit } from "../../server/versions/restore.server";
import { planContent } from "../../server/versions/version-content.server";

const template = loadTemplates(TEMPLATES_DIR).get("single-budget-for-a-place")!;
const plan = { id: "plan-1", template } as Plan;
const governance = template.sections.find((section) => section.key === "governance")!;
const outcomes = template.sections.find((section) => section.key === "outcomes")!;

function paragraph(doc: Y.Doc, words: string): Y.XmlText {
  const text = new Y.XmlText(words);
  const element = new Y.XmlElement("paragraph");
  element.insert(0, [text]);
  doc.getXmlFragment(sectionFragmentName("governance")).push([element]);
  return text;
}

function synced(from: Y.Doc): Y.Doc {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(from));
  return copy;
}

describe("restoring a section", () => {
  it("brings back a deleted paragraph and keeps words typed meanwhile into a paragraph the version also has", () => {
    const server = new Y.Doc();
    initialiseStructuredSections(server, template);
    paragraph(server, "Keep this.");
    paragraph(server, "Deleted later.");
    const version = planContent(plan, server);
    server.getXmlFragment(sectionFragmentName("governance")).delete(1, 1);

    const typist = synced(server);
    const kept = (typist.getXmlFragment(sectionFragmentName("governance")).get(0) as Y.XmlElement).get(0) as Y.XmlText;
    kept.insert(kept.length, " Typed meanwhile.");

    server.transact(() => restoreEdit([{ section: governance, from: version.sections.governance! }])(server));
    Y.applyUpdate(server, Y.encodeStateAsUpdate(typist));
    Y.applyUpdate(typist, Y.encodeStateAsUpdate(server));
    expect(sectionPlainText(server, "governance")).toBe("Keep this. Typed meanwhile.\nDeleted later.");
    expect(sectionPlainText(typist, "governance")).toBe(sectionPlainText(server, "governance"));
  });

  it("turns rows back: removes added ones, re-inserts deleted ones where they were, resets changed cells", () => {
    const doc = new Y.Doc();
    initialiseStructuredSections(doc, template);
    const first = addRow(doc, "outcomes", "outcomes", { outcome: "Fewer evictions", target: "10%" });
    const second = addRow(doc, "outcomes", "outcomes", { outcome: "More jobs", target: "5%" });
    const version = planContent(plan, doc);
    setField(doc, "outcomes", second, "target", "50%");
    rowsOf(doc, "outcomes").delete(0, 1);
    const added = addRow(doc, "outcomes", "outcomes", { outcome: "Added since" });

    doc.transact(() => restoreEdit([{ section: outcomes, from: version.sections.outcomes! }])(doc));
    const rows = sectionData(doc, "outcomes").rows as Record<string, string>[];
    expect(rows.map((row) => [row.id, row.outcome, row.target])).toEqual([
      [first, "Fewer evictions", "10%"],
      [second, "More jobs", "5%"],
    ]);
    expect(rows.some((row) => row.id === added)).toBe(false);
    expect(rowsOf(doc, "outcomes").get(1).get("target")).toBeInstanceOf(Y.Text);
    expect(planContent(plan, doc).sections.outcomes!.contentHash).toBe(version.sections.outcomes!.contentHash);
  });
});
