import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { sectionFragmentName } from "../../app/shared/doc-names";
import { addRow, setAmount } from "../../app/shared/section-rows";
import { launchBrowser, signedInPage } from "../support/browser";
import { cookieWebSocketPolyfill } from "../support/cookie-websocket";
import { requestJson } from "../support/http";
import type { BenchServer } from "./servers";

const SENTENCE =
  "The partnership pools early intervention funding so that one key worker can hold a family's whole plan, with budgets aligned across the council, health, police and Jobcentre Plus. ";

/** A plan of about 40 pages: several long paragraphs in every section and a budget of 60 lines. */
async function generatePlan(server: BenchServer): Promise<string> {
  const created = await requestJson(server.httpUrl!, "POST", "/api/plans", server.cookie, {
    templateId: "single-budget-for-a-place",
    title: "Generated plan for the export benchmark",
    area: "Benchmark",
  });
  const planId = created.body.id as string;
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(server.wsUrl, planId, doc, {
    WebSocketPolyfill: cookieWebSocketPolyfill(server.cookie!),
    disableBc: true,
  });
  await new Promise<void>((resolve) => provider.once("sync", () => resolve()));
  const plan = await requestJson(server.httpUrl!, "GET", `/api/plans/${planId}`, server.cookie);
  doc.transact(() => {
    for (const section of plan.body.sections as { key: string; kind: string }[]) {
      const fragment = doc.getXmlFragment(sectionFragmentName(section.key));
      for (let p = 0; p < 12; p++) {
        const paragraph = new Y.XmlElement("paragraph");
        paragraph.insert(0, [new Y.XmlText(SENTENCE.repeat(4))]);
        fragment.insert(fragment.length, [paragraph]);
      }
      if (section.kind === "budget") {
        for (let i = 0; i < 60; i++) {
          const id = addRow(doc, section.key, "budget", {
            organisation: `Organisation ${i % 7}`,
            fundingLine: `Funding line ${i}`,
            treatment: "pooled",
          });
          setAmount(doc, section.key, id, "2012-13", (i + 1) * 10_000_00);
        }
      }
    }
  });
  for (;;) {
    const check = await requestJson(server.httpUrl!, "GET", `/api/plans/${planId}`, server.cookie);
    if ((check.body.sections as { text: string }[]).every((s) => s.text.length > 0)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  provider.destroy();
  doc.destroy();
  return planId;
}

function pageCount(pdf: Uint8Array): number {
  const file = join(mkdtempSync(join(tmpdir(), "coplan-bench-")), "plan.pdf");
  writeFileSync(file, pdf);
  return Number(/Pages:\s+(\d+)/.exec(execFileSync("pdfinfo", [file]).toString())![1]);
}

/**
 * Export time of a generated ~40-page plan through the API (the tagged PDF, in a worker), and the time
 * headless Chromium's `page.pdf()` takes for the same plan's page, in the same run.
 */
export async function measurePdfExport(server: BenchServer, runs: number) {
  const planId = await generatePlan(server);
  const exportOnce = async () => {
    const start = performance.now();
    const response = await fetch(`${server.httpUrl}/api/plans/${planId}/export.pdf`, {
      headers: { cookie: server.cookie! },
    });
    const pdf = new Uint8Array(await response.arrayBuffer());
    return { ms: performance.now() - start, pdf };
  };
  const warm = await exportOnce();
  const pages = pageCount(warm.pdf);
  const tagged: number[] = [];
  for (let i = 0; i < runs; i++) tagged.push((await exportOnce()).ms);

  const browser = await launchBrowser();
  const chromium: number[] = [];
  let chromiumPages: number;
  try {
    const page = await signedInPage(browser, server.httpUrl!, "owner@swindon.example");
    await page.goto(`${server.httpUrl}/plans/${planId}`);
    await page.locator('[data-testid="connection-status"][data-synced="true"]').waitFor();
    await page.emulateMedia({ media: "print" });
    chromiumPages = pageCount(await page.pdf({ format: "A4" }));
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      await page.pdf({ format: "A4" });
      chromium.push(performance.now() - start);
    }
  } finally {
    await browser.close();
  }
  return { planId, pages, chromiumPages, tagged, chromium };
}
