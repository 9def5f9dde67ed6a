import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { getDocumentProxy, extractText } from "unpdf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import type { SqliteDb } from "../../db/client.server";
import * as schema from "../../db/schema";
import { sectionFragmentName } from "../../app/shared/doc-names";
import { SqliteDocStore } from "../../server/collab/doc-store.server";
import { writePlanContent } from "../bench/generated-plan";
import { storedDocument } from "../support/database";
import { getJson, requestJson, signIn } from "../support/http";
import { startServer, type RunningServer } from "../support/server";

/**
 * Every `/api/health` answer while the exports run comes within this. Measured on this shared
 * 2-core machine, three runs of this file beside hostile-members (as `npm test` runs two files
 * at once): slowest 1.8, 2.1 and 2.3 s. The bound is that worst with a margin of about 2.6
 * times; an export built on the event loop rather than in a worker would hold it for the whole
 * export, 8 to 20 s each here.
 */
const HEALTH_BOUND_MS = 6000;
const PAGES = 80;
const NESTING = 3500;

const PEOPLE = [
  "owner@swindon.example",
  "editor@swindon.example",
  "signatory@swindon.example",
  "signatory@dclg.example",
  "reviewer@dwp.example",
  "viewer@police.example",
];
const ENV = { EXPORT_WORKERS: "1", EXPORT_QUEUE_SIZE: "4" };

let server: RunningServer;
const cookies: string[] = [];
let bigPlan: string;
let deepPlan: string;

/** Appends an update to a plan's stored log while no server has the file open. */
async function storeUpdate(databasePath: string, planId: string, write: (doc: Y.Doc) => void): Promise<void> {
  const doc = await storedDocument(databasePath, planId);
  const before = Y.encodeStateVector(doc);
  write(doc);
  const connection = new Database(databasePath);
  try {
    await new SqliteDocStore(drizzle(connection, { schema }) as SqliteDb).append(
      planId,
      Y.encodeStateAsUpdate(doc, before),
    );
  } finally {
    connection.close();
    doc.destroy();
  }
}

/** Paragraph "Quote n" then the next blockquote, `depth` deep, built level by level. */
function nestQuotes(doc: Y.Doc, sectionKey: string, depth: number): void {
  doc.transact(() => {
    let parent: Y.XmlFragment | Y.XmlElement = doc.getXmlFragment(sectionFragmentName(sectionKey));
    for (let level = 1; level <= depth; level++) {
      const quote = new Y.XmlElement("blockquote");
      parent.insert(parent.length, [quote]);
      const paragraph = new Y.XmlElement("paragraph");
      quote.insert(0, [paragraph]);
      paragraph.insert(0, [new Y.XmlText(`Quote ${level}`)]);
      parent = quote;
    }
    const deepest = new Y.XmlElement("paragraph");
    parent.insert(parent.length, [deepest]);
    deepest.insert(0, [new Y.XmlText("Deepest words")]);
  });
}

beforeAll(async () => {
  // The plans are written straight into the stored log: what matters is what is stored, however
  // it got there.
  const setup = await startServer({ env: ENV });
  for (const email of PEOPLE) cookies.push(await signIn(setup.url, email));
  const create = async (title: string) =>
    (
      await requestJson(setup.url, "POST", "/api/plans", cookies[0], {
        templateId: "single-budget-for-a-place",
        title,
        area: "Load",
      })
    ).body.id as string;
  bigPlan = await create("A long plan");
  deepPlan = await create("A deeply nested plan");
  for (const email of PEOPLE.slice(1))
    await requestJson(setup.url, "POST", `/api/plans/${bigPlan}/members`, cookies[0], { email, role: "viewer" });
  const { body } = await getJson<{ sections: { key: string; kind: string }[] }>(
    setup.url,
    `/api/plans/${bigPlan}`,
    cookies[0],
  );
  await setup.stop();

  await storeUpdate(setup.databasePath, bigPlan, (doc) => writePlanContent(doc, body.sections, PAGES, 16));
  await storeUpdate(setup.databasePath, deepPlan, (doc) => nestQuotes(doc, "service-redesign", NESTING));
  server = await startServer({ databasePath: setup.databasePath, env: ENV });
}, 180_000);

afterAll(async () => {
  await server?.stop();
});

async function exportPdf(planId: string, cookie: string) {
  const response = await fetch(`${server.url}/api/plans/${planId}/export.pdf`, { headers: { cookie } });
  const body = new Uint8Array(await response.arrayBuffer());
  return {
    status: response.status,
    type: response.headers.get("content-type"),
    retryAfter: response.headers.get("retry-after"),
    body,
  };
}

const errorOf = (body: Uint8Array) => (JSON.parse(new TextDecoder().decode(body)) as { error: string }).error;

interface QueueStatus {
  running: number;
  waiting: number;
  mine: { planId: string; state: string; ahead: number }[];
}

/** The export queue as the reviewer sees it once it holds `exports`; null if it never does. */
async function waitForQueue(exports: number): Promise<QueueStatus | null> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const response = await fetch(`${server.url}/api/exports`, { headers: { cookie: cookies[4]! } });
    if (response.status !== 200) return null;
    const body = (await response.json()) as QueueStatus;
    if (body.running + body.waiting >= exports) return body;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return null;
}

async function pagesOf(pdf: Uint8Array): Promise<number> {
  return (await getDocumentProxy(pdf.slice())).numPages;
}

describe("PDF exports under load", () => {
  // Five exports of a long plan, one after another in one worker, on a machine the whole suite shares.
  it(
    `while five people export a ${PAGES}-page plan, /api/health answers within ${HEALTH_BOUND_MS} ms; a sixth export is a 429 with Retry-After`,
    { timeout: 240_000 },
    async () => {
      let exporting = true;
      const health: { status: number; ms: number }[] = [];
      const sampling = (async () => {
        while (exporting) {
          const start = performance.now();
          const response = await fetch(`${server.url}/api/health`).catch(() => null);
          await response?.text();
          health.push({ status: response?.status ?? 0, ms: performance.now() - start });
          // Paced like a monitor polling, so the sampling itself does not take a core.
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })();
      const five = cookies.slice(0, 5).map((cookie) => exportPdf(bigPlan, cookie));
      let queued: QueueStatus | null;
      let again: Awaited<ReturnType<typeof exportPdf>>;
      let newcomer: typeof again;
      let results: (typeof again)[];
      try {
        queued = await waitForQueue(5);
        again = await exportPdf(bigPlan, cookies[0]!);
        newcomer = await exportPdf(bigPlan, cookies[5]!);
        results = await Promise.all(five);
      } finally {
        exporting = false;
        await sampling;
      }

      const slowest = Math.max(...health.map((h) => h.ms));
      console.log(`health while exporting: ${health.length} answers, slowest ${Math.round(slowest)} ms`);
      expect(health.every((h) => h.status === 200)).toBe(true);
      expect(health.length).toBeGreaterThan(5);
      expect(slowest).toBeLessThan(HEALTH_BOUND_MS);
      const pages = await pagesOf(results[0]!.body);
      expect(pages).toBeGreaterThan(PAGES / 2);
      for (const result of results) {
        expect(result.status).toBe(200);
        expect(result.type).toBe("application/pdf");
        expect(await pagesOf(result.body)).toBe(pages);
      }

      expect(queued).toMatchObject({
        running: 1,
        waiting: 4,
        mine: [{ planId: bigPlan, state: expect.stringMatching(/^(waiting|running)$/) }],
      });
      expect(again.status).toBe(429);
      expect(Number(again.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(errorOf(again.body)).toMatch(/already have a PDF export in progress/);
      expect(newcomer.status).toBe(429);
      expect(Number(newcomer.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(errorOf(newcomer.body)).toMatch(/busy with 5 other PDF exports/);
    },
  );

  it(`exports a stored plan whose text is nested ${NESTING} blockquotes deep, keeping its words`, async () => {
    const exported = await exportPdf(deepPlan, cookies[0]!);
    expect(exported.status).toBe(200);
    const { text } = await extractText(await getDocumentProxy(exported.body.slice()), { mergePages: true });
    expect(text).toContain("Quote 1");
    expect(text).toContain(`Quote ${NESTING}`);
    expect(text).toContain("Deepest words");
    expect((await getJson(server.url, "/api/health")).body).toEqual({ ok: true });
    expect(server.process.exitCode).toBeNull();
  });
});
