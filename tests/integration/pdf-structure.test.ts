import { afterEach, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { sectionFragmentName } from "../../app/shared/doc-names";
import { addRow, setAmount } from "../../app/shared/section-rows";
import { BUDGET_ASSET_FIELDS, STRUCTURED_FIELDS, type FieldDef } from "../../app/shared/structured-fields";
import { getJson, requestJson } from "../support/http";
import { elementsOf, pdfUaProblems, structText } from "../support/pdf-structure";
import { useTestServer } from "../support/test-server";
import { connectClient, waitFor, waitForSync, type TestClient } from "../support/yjs-client";

const OWNER = "owner@swindon.example";
const server = useTestServer({ users: [OWNER], demoPlan: true });
const clients: TestClient[] = [];

afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
});

async function exportPdf(planId: string, query = ""): Promise<Uint8Array> {
  const response = await fetch(`${server.url}/api/plans/${planId}/export.pdf${query}`, {
    headers: { cookie: server.cookie(OWNER) },
  });
  expect(response.status).toBe(200);
  return new Uint8Array(await response.arrayBuffer());
}

type Node =
  { type: string; attrs?: Record<string, string | number>; content?: Node[] } | { text: string; link?: string };

/** Writes editor content (the shape TipTap stores) into a section's fragment. */
function write(fragment: Y.XmlFragment | Y.XmlElement, nodes: Node[]): void {
  for (const node of nodes) {
    if ("text" in node) {
      const text = new Y.XmlText();
      fragment.insert(fragment.length, [text]);
      text.insert(0, node.text, node.link ? { link: { href: node.link } } : {});
      continue;
    }
    const element = new Y.XmlElement(node.type);
    for (const [name, value] of Object.entries(node.attrs ?? {})) element.setAttribute(name, value as string);
    fragment.insert(fragment.length, [element]);
    write(element, node.content ?? []);
  }
}

const p = (text: string): Node => ({ type: "paragraph", content: [{ text }] });
const li = (...content: Node[]): Node => ({ type: "listItem", content });
const cell = (type: string, text: string): Node => ({ type, content: [p(text)] });

/** A narrative with every kind of block the editor makes, its words unique to the section. */
function narrative(tag: string): Node[] {
  return [
    { type: "heading", attrs: { level: 2 }, content: [{ text: `${tag} heading` }] },
    p(`${tag} opening paragraph`),
    {
      type: "bulletList",
      content: [
        li(p(`${tag} first point`)),
        li(p(`${tag} second point`), { type: "orderedList", content: [li(p(`${tag} nested step`))] }),
      ],
    },
    { type: "heading", attrs: { level: 3 }, content: [{ text: `${tag} subheading` }] },
    {
      type: "paragraph",
      content: [{ text: `${tag} see ` }, { text: "the guidance", link: "https://www.gov.uk/guidance" }],
    },
    { type: "blockquote", content: [p(`${tag} quoted words`)] },
    {
      type: "table",
      content: [
        { type: "tableRow", content: [cell("tableHeader", `${tag} measure`), cell("tableHeader", "Target")] },
        { type: "tableRow", content: [cell("tableCell", `${tag} fewer arrests`), cell("tableCell", "10%")] },
      ],
    },
    p(`${tag} closing paragraph`),
  ];
}

interface PlanJson {
  sections: { key: string; kind: string; title: string; text: string; data: { rows?: unknown[] } }[];
}

/** A value each kind of field holds (the server refuses a select's value it does not offer). */
function valueFor(field: FieldDef, tag: string): string {
  if (field.type === "date") return "2026-04-01";
  if (field.options) return field.options[0]!.value;
  return `${tag} ${field.name}`;
}

describe("the exported PDF's structure (PDF/UA)", () => {
  let fullPlan: string;
  let sections: PlanJson["sections"];

  beforeAll(async () => {
    const created = await requestJson(server.url, "POST", "/api/plans", server.cookie(OWNER), {
      templateId: "neighbourhood-community-budget",
      title: "Every kind of section",
      area: "Hackney",
    });
    fullPlan = created.body.id as string;
    const editor = connectClient(server.url, fullPlan, server.cookie(OWNER));
    clients.push(editor);
    await waitForSync(editor);
    sections = (await getJson<PlanJson>(server.url, `/api/plans/${fullPlan}`, server.cookie(OWNER))).body.sections;
    editor.doc.transact(() => {
      sections.forEach((section, index) => {
        const tag = `S${index + 1}`;
        write(editor.doc.getXmlFragment(sectionFragmentName(section.key)), narrative(tag));
        if (section.kind === "budget") {
          const funding = addRow(editor.doc, section.key, "budget", {
            organisation: `${tag} council`,
            department: "DCLG",
            fundingLine: `${tag} grant`,
            treatment: "pooled",
          });
          setAmount(editor.doc, section.key, funding, "2012-13", 1_250_000_00);
          const asset = addRow(editor.doc, section.key, "budget", {
            rowType: "asset",
            ...Object.fromEntries(BUDGET_ASSET_FIELDS.map((field) => [field.name, valueFor(field, tag)])),
          });
          setAmount(editor.doc, section.key, asset, "2013-14", 300_000_00);
        } else if (section.kind !== "text") {
          const fields = STRUCTURED_FIELDS[section.kind as keyof typeof STRUCTURED_FIELDS];
          addRow(
            editor.doc,
            section.key,
            section.kind as never,
            Object.fromEntries(fields.map((field) => [field.name, valueFor(field, tag)])),
          );
        }
      });
    });
    await waitFor(
      async () => {
        const plan = await getJson<PlanJson>(server.url, `/api/plans/${fullPlan}`, server.cookie(OWNER));
        return plan.body.sections.every((s, i) => s.text.includes(`S${i + 1} closing paragraph`));
      },
      20_000,
      "every section's closing paragraph in the plan API",
    );
  });

  it("the demo plan passes the structure check", async () => {
    expect(await pdfUaProblems(await exportPdf(server.demoPlanId))).toEqual([]);
  });

  it("a plan with every section kind filled passes it, with its headings, lists, tables and links tagged", async () => {
    const pdf = await exportPdf(fullPlan, "?comments=1");
    expect(await pdfUaProblems(pdf)).toEqual([]);
    expect(elementsOf(pdf, "H1")).toHaveLength(1);
    // Contents, every section, the sign-off record and the comments appendix.
    expect(elementsOf(pdf, "H2")).toHaveLength(sections.length + 3);
    expect(elementsOf(pdf, "H4", "H5").length).toBeGreaterThan(0);
    // Two lists in each narrative (one nested), each item with its label and body.
    expect(elementsOf(pdf, "L")).toHaveLength(2 * sections.length);
    expect(elementsOf(pdf, "Lbl")).toHaveLength(3 * sections.length);
    // Each narrative's table, each structured section's table, the budget's assets and two totals.
    const structured = sections.filter((s) => s.kind !== "text").length;
    expect(elementsOf(pdf, "Table")).toHaveLength(sections.length + structured + 3);
    const totals = elementsOf(pdf, "Table").filter((table) =>
      table.children.slice(1).some((row) => row.children[0]?.type === "TH"),
    );
    expect(totals).toHaveLength(2);
    expect(elementsOf(pdf, "Link").length).toBeGreaterThanOrEqual(sections.length);
  });

  it("a version's export passes it", async () => {
    const version = await requestJson(server.url, "POST", `/api/plans/${fullPlan}/versions`, server.cookie(OWNER), {
      name: "For the structure check",
    });
    expect(version.status).toBe(201);
    const pdf = await exportPdf(fullPlan, `?version=${version.body.id}`);
    expect(await pdfUaProblems(pdf)).toEqual([]);
    expect(structText(pdf)).toContain("For the structure check");
  });

  it("pdfinfo -struct-text reads the plan's words in the plan's order", async () => {
    const text = structText(await exportPdf(fullPlan));
    const words = sections.flatMap((section, index) => {
      const tag = `S${index + 1}`;
      return [
        `${index + 1}. ${section.title}`,
        ...(section.kind === "budget" ? [`${tag} council`, "Single budget in scope"] : []),
        `${tag} heading`,
        `${tag} opening paragraph`,
        `${tag} first point`,
        `${tag} nested step`,
        `${tag} subheading`,
        "the guidance",
        `${tag} quoted words`,
        `${tag} fewer arrests`,
        `${tag} closing paragraph`,
        "Sign-off",
      ];
    });
    let from = 0;
    for (const word of words) {
      const at = text.indexOf(word, from);
      expect(at, `"${word}" after position ${from}`).toBeGreaterThanOrEqual(0);
      from = at + word.length;
    }
  });
});
