import { execFileSync } from "node:child_process";
import { constants, mkdtempSync, openSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { extractText, getDocumentProxy, getMeta } from "unpdf";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { sectionFragmentName } from "../../app/shared/doc-names";
import { addRow, setAmount } from "../../app/shared/section-rows";
import { getJson, requestJson, signOff } from "../support/http";
import { useTestServer } from "../support/test-server";
import { connectClient, waitFor, waitForSync, type TestClient } from "../support/yjs-client";

const clients: TestClient[] = [];

const OWNER = "owner@swindon.example";
const EDITOR = "editor@swindon.example";
const LOCAL = "signatory@swindon.example";
const WHITEHALL = "signatory@dclg.example";
const VIEWER = "viewer@police.example";

const server = useTestServer({ users: [OWNER, EDITOR, LOCAL, WHITEHALL, VIEWER], demoPlan: true });

afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
});

async function exportPdf(
  planId: string,
  as = OWNER,
  query = "",
): Promise<{ status: number; type: string | null; pdf: Uint8Array }> {
  const response = await fetch(`${server.url}/api/plans/${planId}/export.pdf${query}`, {
    headers: { cookie: server.cookie(as) },
  });
  return {
    status: response.status,
    type: response.headers.get("content-type"),
    pdf: new Uint8Array(await response.arrayBuffer()),
  };
}

async function read(pdf: Uint8Array) {
  const document = await getDocumentProxy(pdf.slice());
  const { totalPages, text } = await extractText(document, { mergePages: false });
  const outline = ((await document.getOutline()) ?? []).map((item) => item.title);
  const { info } = await getMeta(document);
  return { totalPages, pages: text, outline, info: info as Record<string, string> };
}

interface Template {
  id: string;
  sections: { key: string; title: string; signoff: string[] }[];
}

async function sectionsOf(templateId: string) {
  const { body } = await getJson<Template[]>(server.url, "/api/templates", server.cookie(OWNER));
  return body.find((t) => t.id === templateId)!.sections;
}

describe("exporting a plan to PDF", () => {
  it("has a cover, contents whose page numbers are where each section really starts, every section in order, totals and DRAFT", async () => {
    const { status, type, pdf } = await exportPdf(server.demoPlanId, VIEWER);
    expect(status).toBe(200);
    expect(type).toBe("application/pdf");
    const { totalPages, pages, outline, info } = await read(pdf);
    const sections = await sectionsOf("single-budget-for-a-place");
    const headings = sections.map((section, index) => `${index + 1}. ${section.title}`);

    expect(totalPages).toBeGreaterThanOrEqual(4);
    expect(pages[0]).toContain("Swindon: a single budget for the place");
    expect(pages[0]).toContain("Operational Plan: a single budget for a place");
    expect(pages[0]).toContain("Status: Draft (0 of 14 sections signed off)");

    const contents = pages[1]!;
    expect(contents).toContain("Contents");
    const startPages: number[] = [];
    for (const heading of headings) {
      const listed = new RegExp(`${heading.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} (\\d+)`).exec(contents);
      expect(listed, heading).not.toBeNull();
      const page = Number(listed![1]);
      expect(pages[page - 1]!.includes(`${heading}\n`), `${heading} on page ${page}`).toBe(true);
      startPages.push(page);
    }
    expect([...startPages].sort((a, b) => a - b)).toEqual(startPages);
    expect(outline).toEqual([...headings, "Appendix: sign-off record"]);

    const budgetPage = pages[startPages[0]! - 1]!;
    expect(budgetPage).toContain("£13,360,000");
    expect(budgetPage).toContain("£4,200,000");
    pages.forEach((page, index) => {
      expect(page, `page ${index + 1}`).toContain("DRAFT");
      expect(page).toContain(`Page ${index + 1} of ${totalPages}`);
      expect(page).toContain("Swindon: a single budget for the place");
    });
    expect(pages.join("\n")).toContain("Local: not yet signed");
    expect(info.Title).toBe("Swindon: a single budget for the place");
    expect(info.Author).toBe("Swindon");
  });

  it("is tagged, in British English, titled; empty sections share a page; the budget keeps its notes and asset amounts", async () => {
    const editor = connectClient(server.url, server.demoPlanId, server.cookie(EDITOR));
    clients.push(editor);
    await waitForSync(editor);
    editor.doc.transact(() => {
      const asset = addRow(editor.doc, "shadow-budget", "budget", {
        rowType: "asset",
        organisation: "Swindon Library",
      });
      setAmount(editor.doc, "shadow-budget", asset, "2013-14", 4_321_00);
      const funding = addRow(editor.doc, "shadow-budget", "budget", { notes: "Ringfenced" });
      setAmount(editor.doc, "shadow-budget", funding, "2012-13", 1_00);
    });
    await waitFor(async () => {
      const plan = await getJson<{ sections: { key: string; data: { rows?: unknown[] } }[] }>(
        server.url,
        `/api/plans/${server.demoPlanId}`,
        server.cookie(OWNER),
      );
      return plan.body.sections.find((s) => s.key === "shadow-budget")!.data.rows?.length === 6;
    });
    const { pdf } = await exportPdf(server.demoPlanId, VIEWER);
    const file = join(mkdtempSync(join(tmpdir(), "coplan-pdf-")), "plan.pdf");
    writeFileSync(file, pdf);
    const pdfinfo = execFileSync("pdfinfo", [file], { encoding: "utf8" });
    expect(pdfinfo).toMatch(/^Tagged:\s+yes$/m);
    expect(pdfinfo).toMatch(/^Author:\s+Swindon$/m);
    expect(pdfinfo).toMatch(/^Title:\s+Swindon: a single budget for the place$/m);
    const raw = Buffer.from(pdf).toString("latin1");
    expect(raw).toContain("/Lang (en-GB)");
    expect(raw).toContain("/DisplayDocTitle true");

    const { totalPages, pages } = await read(pdf);
    const sections = await sectionsOf("single-budget-for-a-place");
    // Sections 2 to 6 of the demo plan are empty: five headings on one page, each with its sign-off.
    const shared = pages.find((page) => page.includes("2. Business rates and longer-term resourcing\n"))!;
    for (const index of [2, 3, 4, 5, 6]) expect(shared).toContain(`${index}. ${sections[index - 1]!.title}\n`);
    expect(shared.match(/Not yet written\./g)).toHaveLength(5);
    expect(shared.match(/Sign-off\n/g)!.length).toBeGreaterThanOrEqual(5);
    expect(totalPages).toBeLessThan(sections.length + 2);

    const budget = pages
      .filter((page) => page.includes("Funding lines") || page.includes("Assets"))
      .join("\n")
      .replace(/[\s\u200b]+/g, " ");
    expect(budget).toContain("Notes");
    expect(budget).toContain("Ringfenced");
    expect(budget).toContain("Swindon Library");
    expect(budget).toContain("£4,321");
    expect(budget.indexOf("By treatment")).toBeLessThan(budget.indexOf("By organisation"));
  });

  it("gives the same text for the same content, and records each export in the audit log", async () => {
    const first = await read((await exportPdf(server.demoPlanId)).pdf);
    const second = await read((await exportPdf(server.demoPlanId)).pdf);
    // All but the sign-off record, whose audit chain head has moved on by the first export.
    expect(second.pages.slice(0, -1)).toEqual(first.pages.slice(0, -1));
    const audit = await getJson<{ type: string; hash: string }[]>(
      server.url,
      `/api/plans/${server.demoPlanId}/audit`,
      server.cookie(OWNER),
    );
    expect(audit.body.filter((e) => e.type === "plan.exported").length).toBeGreaterThanOrEqual(2);
    expect(audit.body[1]!.type).toBe("plan.exported");
    expect(second.pages.at(-1)).toContain(audit.body[1]!.hash);
  });

  it("adds the comment threads as an appendix when asked", async () => {
    await requestJson(server.url, "POST", `/api/plans/${server.demoPlanId}/comments`, server.cookie(EDITOR), {
      sectionKey: "governance",
      body: "Is the accountable body agreed?",
    });
    const without = await read((await exportPdf(server.demoPlanId)).pdf);
    expect(without.outline).not.toContain("Appendix: comments");
    const withComments = await read((await exportPdf(server.demoPlanId, OWNER, "?comments=1")).pdf);
    expect(withComments.outline.at(-1)).toBe("Appendix: comments");
    expect(withComments.pages.at(-1)).toContain("Is the accountable body agreed?");
    expect(withComments.pages.at(-1)).toContain("Tom Okafor");
  });

  it("a final plan names its signatories and carries no DRAFT mark", async () => {
    const created = await requestJson(server.url, "POST", "/api/plans", server.cookie(OWNER), {
      templateId: "families-with-multiple-problems",
      title: "Troubled families – Leeds",
      area: "Leeds",
    });
    const planId = created.body.id as string;
    for (const [email, role] of [
      [LOCAL, "signatory"],
      [WHITEHALL, "signatory"],
    ]) {
      await requestJson(server.url, "POST", `/api/plans/${planId}/members`, server.cookie(OWNER), { email, role });
    }
    const draft = await read((await exportPdf(planId)).pdf);
    expect(draft.pages.every((page) => page.includes("DRAFT"))).toBe(true);
    for (const section of await sectionsOf("families-with-multiple-problems")) {
      if (section.signoff.includes("local")) await signOff(server.url, planId, section.key, server.cookie(LOCAL));
      if (section.signoff.includes("whitehall"))
        await signOff(server.url, planId, section.key, server.cookie(WHITEHALL));
    }
    const final = await read((await exportPdf(planId)).pdf);
    const all = final.pages.join("\n");
    expect(all).not.toContain("DRAFT");
    expect(final.pages[0]).toContain("Status: Final (6 of 6 sections signed off)");
    expect(final.pages[0]).toContain("Troubled families – Leeds");
    expect(all).toContain("signed off by Margaret Hale, Swindon Borough Council");
    expect(all).toContain("signed off by David Marsh, DCLG");
  });

  it("splits long tables across pages with the header row repeated, keeps all text inside the page, and renders £, accents and dashes", async () => {
    const created = await requestJson(server.url, "POST", "/api/plans", server.cookie(OWNER), {
      templateId: "families-with-multiple-problems",
      title: "Long budget",
      area: "Brent",
    });
    const planId = created.body.id as string;
    await requestJson(server.url, "POST", `/api/plans/${planId}/members`, server.cookie(OWNER), {
      email: EDITOR,
      role: "editor",
    });
    const editor = connectClient(server.url, planId, server.cookie(EDITOR));
    clients.push(editor);
    await waitForSync(editor);
    editor.doc.transact(() => {
      for (let i = 1; i <= 120; i++) {
        const id = addRow(editor.doc, "resources", "budget", {
          organisation:
            i === 1 ? "Ödön’s Café – a very long organisation name ".repeat(3) + "x".repeat(120) : `Organisation ${i}`,
          department: "Department for Communities and Local Government",
          fundingLine: `Line ${String(i).padStart(3, "0")}`,
          treatment: "pooled",
        });
        setAmount(editor.doc, "resources", id, "2012-13", i * 1_000_00);
      }
    });
    await waitFor(async () => {
      const plan = await getJson<{ sections: { key: string; data: { rows?: unknown[] } }[] }>(
        server.url,
        `/api/plans/${planId}`,
        server.cookie(OWNER),
      );
      return plan.body.sections.find((s) => s.key === "resources")!.data.rows?.length === 120;
    });

    const { pdf } = await exportPdf(planId);
    const { pages } = await read(pdf);
    const withRows = pages.filter((page) => /Line \d{3}/.test(page));
    expect(withRows.length).toBeGreaterThan(2);
    for (const page of withRows)
      expect(page.replace(/\s+/g, " ")).toMatch(/Organisation Department Funding line Treatment Notes 2012-13/);
    const all = pages.join("\n");
    for (let i = 1; i <= 120; i++) expect(all).toContain(`Line ${String(i).padStart(3, "0")}`);
    expect(all).toContain("£7,260,000");
    expect(all).toContain("Ödön’s Café – a very long");

    const document = await getDocumentProxy(pdf.slice());
    for (let number = 1; number <= document.numPages; number++) {
      const page = await document.getPage(number);
      const [, , width, height] = page.view as [number, number, number, number];
      const { items } = await page.getTextContent();
      for (const item of items as { str: string; transform: number[]; width: number }[]) {
        if (item.str === "DRAFT" && item.transform[1] !== 0) continue;
        const x = item.transform[4]!;
        const y = item.transform[5]!;
        expect(x, `"${item.str.slice(0, 30)}" on page ${number}`).toBeGreaterThanOrEqual(0);
        expect(x + item.width, `"${item.str.slice(0, 30)}" on page ${number}`).toBeLessThanOrEqual(width);
        expect(y).toBeGreaterThanOrEqual(0);
        expect(y).toBeLessThanOrEqual(height);
      }
    }
  });

  describe("content that points elsewhere", () => {
    let requests = 0;
    let listener: Server;
    beforeAll(async () => {
      listener = createServer((_request, response) => {
        requests += 1;
        response.end("x");
      });
      await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
    });
    afterAll(() => new Promise<void>((resolve) => listener.close(() => resolve())));

    it("a link to a loopback URL and a file:// path make no request and read no file", async () => {
      const port = (listener.address() as { port: number }).port;
      // A reader opening this FIFO would block, and a writer could then open it: neither may happen.
      const fifo = join(mkdtempSync(join(tmpdir(), "coplan-fifo-")), "secret");
      execFileSync("mkfifo", [fifo]);
      const editor = connectClient(server.url, server.demoPlanId, server.cookie(EDITOR));
      clients.push(editor);
      await waitForSync(editor);
      const paragraph = new Y.XmlElement("paragraph");
      const text = new Y.XmlText();
      paragraph.insert(0, [text]);
      const fragment = editor.doc.getXmlFragment(sectionFragmentName("service-redesign"));
      // An element the editor's schema does not know is refused at the WebSocket now, so the
      // PDF's handling of one is covered by the rich-text unit tests.
      fragment.insert(fragment.length, [paragraph]);
      text.insert(0, "Loopback link", { link: { href: `http://127.0.0.1:${port}/steal` } });
      text.insert(text.length, " and ", { link: null });
      text.insert(text.length, "file link", { link: { href: `file://${fifo}` } });
      text.insert(text.length, ` ${fifo}`, { link: null });
      await waitFor(async () => {
        const plan = await getJson<{ sections: { key: string; text: string }[] }>(
          server.url,
          `/api/plans/${server.demoPlanId}`,
          server.cookie(OWNER),
        );
        return plan.body.sections.find((s) => s.key === "service-redesign")!.text.includes(`file link ${fifo}`);
      });

      const exported = await exportPdf(server.demoPlanId);
      expect(exported.status).toBe(200);
      const all = (await read(exported.pdf)).pages.join("\n");
      expect(all).toContain("Loopback link and file link");
      expect(requests).toBe(0);
      expect(() => openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK)).toThrow(/ENXIO/);
    });
  });

  it("answers anonymous 401 and outsiders 404", async () => {
    const anonymous = await fetch(`${server.url}/api/plans/${server.demoPlanId}/export.pdf`);
    expect(anonymous.status).toBe(401);
    const outsiderPlan = await requestJson(server.url, "POST", "/api/plans", server.cookie(VIEWER), {
      templateId: "single-budget-for-a-place",
      title: "Private",
      area: "Elsewhere",
    });
    expect((await exportPdf(outsiderPlan.body.id, OWNER)).status).toBe(404);
  });
});
