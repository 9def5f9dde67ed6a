import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import JSZip from "jszip";
import { describe, expect, it } from "vitest";
import { getJson, requestJson } from "../support/http";
import { elementsOf } from "../support/pdf-structure";
import { useTestServer } from "../support/test-server";

const OWNER = "owner@swindon.example";
const VIEWER = "viewer@police.example";
const server = useTestServer({ users: [OWNER, VIEWER], demoPlan: true });

async function exportDocx(planId: string, as = VIEWER, query = "") {
  const response = await fetch(`${server.url}/api/plans/${planId}/export.docx${query}`, {
    headers: { cookie: server.cookie(as) },
  });
  return {
    status: response.status,
    type: response.headers.get("content-type"),
    disposition: response.headers.get("content-disposition"),
    body: new Uint8Array(await response.arrayBuffer()),
  };
}

/** The text of each of the document's paragraphs with its style, and each table's rows of cell texts. */
function readDocument(xml: string) {
  const textOf = (fragment: string) =>
    [...fragment.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)]
      .map((match) => match[1]!)
      .join("")
      .replace(/&amp;/g, "&")
      .replace(/&apos;/g, "'");
  const headings = [...xml.matchAll(/<w:p>(?:(?!<\/w:p>).)*?<w:pStyle w:val="Heading(\d)"\/>(.*?)<\/w:p>/gs)].map(
    (match) => ({ level: Number(match[1]), text: textOf(match[2]!) }),
  );
  const tables = [...xml.matchAll(/<w:tbl>(.*?)<\/w:tbl>/gs)].map((table) => ({
    headerRow: /^<w:tblPr>.*?<\/w:tblGrid><w:tr>(?:(?!<\/w:tr>).)*<w:tblHeader\/>/s.test(table[1]!),
    rows: [...table[1]!.matchAll(/<w:tr>(.*?)<\/w:tr>/gs)].map((row) =>
      [...row[1]!.matchAll(/<w:tc>(.*?)<\/w:tc>/gs)].map((cell) => textOf(cell[1]!)),
    ),
  }));
  return { headings, tables, text: textOf(xml) };
}

interface Template {
  id: string;
  sections: { key: string; title: string }[];
}

describe("exporting a plan to Word", () => {
  it("gives the plan with Word heading styles, real tables with the budget's totals, sign-off records and DRAFT in the header", async () => {
    const exported = await exportDocx(server.demoPlanId);
    expect(exported.status).toBe(200);
    expect(exported.type).toBe("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    expect(exported.disposition).toBe('attachment; filename="Swindon-Swindon-a-single-budget-for-the-place.docx"');

    const zip = await JSZip.loadAsync(exported.body);
    const { headings, tables, text } = readDocument(await zip.file("word/document.xml")!.async("string"));
    const templates = await getJson<Template[]>(server.url, "/api/templates", server.cookie(OWNER));
    const sections = templates.body.find((t) => t.id === "single-budget-for-a-place")!.sections;

    expect(headings.filter((h) => h.level === 1).map((h) => h.text)).toEqual([
      "Swindon: a single budget for the place",
    ]);
    expect(headings.filter((h) => h.level === 2).map((h) => h.text)).toEqual([
      ...sections.map((section, index) => `${index + 1}. ${section.title}`),
      "Appendix: sign-off record",
    ]);
    expect(headings.filter((h) => h.level === 3).map((h) => h.text)).toContain("Totals");

    expect(tables.length).toBeGreaterThanOrEqual(3);
    for (const table of tables) expect(table.headerRow).toBe(true);
    const byTreatment = tables.find((table) => table.rows[0]![0] === "By treatment")!;
    expect(byTreatment.rows[0]).toEqual(["By treatment", "2012-13", "2013-14", "2014-15", "Total"]);
    expect(byTreatment.rows.at(-1)).toEqual(["All", "£6,910,000", "£6,450,000", "", "£13,360,000"]);
    const funding = tables[0]!;
    expect(funding.rows[0]).toContain("Organisation");
    expect(funding.rows.some((row) => row.includes("£4,200,000"))).toBe(true);

    expect(text).toContain("Local: not yet signed");
    expect(text).toContain("Status: Draft (0 of 14 sections signed off)");
    const header = await zip.file(/word\/header\d*\.xml/)[0]!.async("string");
    expect(header).toContain("DRAFT");

    const audit = await getJson<{ type: string; detail: { format: string } }[]>(
      server.url,
      `/api/plans/${server.demoPlanId}/audit`,
      server.cookie(OWNER),
    );
    expect(audit.body.some((e) => e.type === "plan.exported" && e.detail.format === "docx")).toBe(true);
  });

  it("LibreOffice opens it and converts it to PDF with every heading and table kept", async () => {
    const { body } = await exportDocx(server.demoPlanId);
    const dir = mkdtempSync(join(tmpdir(), "coplan-docx-"));
    const file = join(dir, "plan.docx");
    writeFileSync(file, body);
    const { headings, tables } = readDocument(
      await (await JSZip.loadAsync(body)).file("word/document.xml")!.async("string"),
    );
    // A profile of its own, so a LibreOffice already running elsewhere does not take the job.
    execFileSync(
      "soffice",
      [
        `-env:UserInstallation=file://${join(dir, "profile")}`,
        "--headless",
        "--convert-to",
        'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"}}',
        "--outdir",
        dir,
        file,
      ],
      { stdio: "pipe", timeout: 120_000 },
    );
    const pdf = new Uint8Array(readFileSync(join(dir, "plan.pdf")));
    for (const level of [1, 2, 3])
      expect(elementsOf(pdf, `H${level}`), `H${level}`).toHaveLength(headings.filter((h) => h.level === level).length);
    expect(elementsOf(pdf, "Table")).toHaveLength(tables.length);
    const text = execFileSync("pdftotext", [join(dir, "plan.pdf"), "-"], { encoding: "utf8" });
    expect(text).toContain("£13,360,000");
    expect(text).toContain("14. Implementation plan");
  });

  it("exports a version, and refuses what the PDF refuses", async () => {
    const version = await requestJson(
      server.url,
      "POST",
      `/api/plans/${server.demoPlanId}/versions`,
      server.cookie(OWNER),
      {
        name: "Sent to DCLG",
      },
    );
    const exported = await exportDocx(server.demoPlanId, VIEWER, `?version=${version.body.id}`);
    expect(exported.status).toBe(200);
    const zip = await JSZip.loadAsync(exported.body);
    expect(readDocument(await zip.file("word/document.xml")!.async("string")).text).toContain("Version: Sent to DCLG");

    expect((await exportDocx(server.demoPlanId, VIEWER, "?version=999999")).status).toBe(404);
    expect((await fetch(`${server.url}/api/plans/${server.demoPlanId}/export.docx`)).status).toBe(401);
    const outsiders = await requestJson(server.url, "POST", "/api/plans", server.cookie(VIEWER), {
      templateId: "single-budget-for-a-place",
      title: "Private",
      area: "Elsewhere",
    });
    expect((await exportDocx(outsiders.body.id, OWNER)).status).toBe(404);
  });
});
