import Database from "better-sqlite3";
import * as Y from "yjs";
import { sectionFragmentName } from "../../app/shared/doc-names";
import { requestJson } from "../support/http";
import { seededRandom } from "../support/random";
import { createGeneratedPlan, storedPlanBytes } from "./generated-plan";
import { connectClient, type BenchClient } from "./load/connect";
import { startCoplan, type BenchServer } from "./servers";

/**
 * Real editing at 5 characters a second with the default timing (a version after 60 s quiet,
 * at least every 300 s) is replayed 40 times faster: 200 edits a second, with both intervals
 * divided by 40, so a run holds as many automatic versions as the real session would.
 */
const SPEED_UP = 40;
const EDITS_PER_SECOND = 5 * SPEED_UP;

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = performance.now();
  const result = await run();
  return { ms: performance.now() - start, result };
}

async function call(server: BenchServer, method: string, path: string, body?: unknown) {
  const answer = await requestJson(server.httpUrl!, method, path, server.cookie, body);
  if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

function versionBytes(databasePath: string, planId: string, versionId?: number) {
  const db = new Database(databasePath, { readonly: true });
  try {
    return db
      .prepare(
        `SELECT count(*) AS versions, coalesce(sum(length(state)), 0) AS state, coalesce(sum(length(content)), 0) AS content
           FROM plan_versions WHERE plan_id = ? AND (? IS NULL OR id = ?)`,
      )
      .get(planId, versionId ?? null, versionId ?? null) as { versions: number; state: number; content: number };
  } finally {
    db.close();
  }
}

/** The text runs of every paragraph of the plan, to edit at random. */
function textsOf(doc: Y.Doc, sectionKeys: string[]): Y.XmlText[] {
  return sectionKeys.flatMap((key) =>
    doc
      .getXmlFragment(sectionFragmentName(key))
      .toArray()
      .flatMap((block) => (block instanceof Y.XmlElement ? block.toArray() : []))
      .filter((child): child is Y.XmlText => child instanceof Y.XmlText),
  );
}

/** A day's editing in one update: a few hundred words added, deleted and reformatted across the plan. */
function editADay(client: BenchClient, sectionKeys: string[], seed: number): void {
  const random = seededRandom(seed);
  const texts = textsOf(client.doc, sectionKeys);
  client.doc.transact(() => {
    for (let i = 0; i < 300; i++) {
      const text = random.pick(texts);
      const at = random.int(Math.max(1, text.length));
      if (i % 3 === 0) text.insert(at, " and the partners agree it");
      else if (i % 3 === 1 && text.length > 40) text.delete(Math.min(at, text.length - 20), 12);
      else if (text.length > 20) text.format(Math.min(at, text.length - 10), 8, { italic: true });
    }
  });
}

async function waitForStored(server: BenchServer, planId: string, client: BenchClient): Promise<void> {
  const wanted = Buffer.from(Y.encodeStateVector(client.doc));
  for (;;) {
    const checker = connectClient({ ...server, room: planId });
    await checker.synced;
    const complete = Buffer.from(Y.encodeStateVector(checker.doc)).equals(wanted);
    checker.destroy();
    if (complete) return;
    await new Promise((done) => setTimeout(done, 100));
  }
}

/**
 * On a generated plan of `pages` pages, on a Coplan of its own (with the sped-up version timing):
 * making a named version (and its stored size), comparing two versions a day's editing apart,
 * restoring the whole plan, each beside reading the plan (`GET /api/plans/:id`, which also reads
 * and hashes every section) as the reference; then `edits` single-character edits at
 * EDITS_PER_SECOND with automatic versions, and the versions' storage against the plan's.
 */
export async function measureVersions(pages: number, edits: number, runs = 5) {
  const server = await startCoplan({
    env: {
      VERSION_QUIET_SECONDS: String(60 / SPEED_UP),
      VERSION_MAX_INTERVAL_SECONDS: String(300 / SPEED_UP),
    },
  });
  try {
    const planId = await createGeneratedPlan(server, pages, 18);
    const plan = await call(server, "GET", `/api/plans/${planId}`);
    const sectionKeys = (plan.sections as { key: string }[]).map((section) => section.key);
    const client = connectClient({ ...server, room: planId });
    await client.synced;
    const read: number[] = [];
    const make: number[] = [];
    const compare: number[] = [];
    const restore: number[] = [];
    let versionSize = { state: 0, content: 0 };
    for (let run = 0; run < runs; run++) {
      read.push((await timed(() => call(server, "GET", `/api/plans/${planId}`))).ms);
      const first = await timed(() => call(server, "POST", `/api/plans/${planId}/versions`, { name: `Run ${run}` }));
      make.push(first.ms);
      const { state, content } = versionBytes(server.databasePath!, planId, first.result.id);
      versionSize = { state, content };
      editADay(client, sectionKeys, run);
      await waitForStored(server, planId, client);
      const second = await call(server, "POST", `/api/plans/${planId}/versions`, { name: `Run ${run}, a day later` });
      compare.push(
        (await timed(() => call(server, "GET", `/api/plans/${planId}/compare?from=${first.result.id}&to=${second.id}`)))
          .ms,
      );
      restore.push(
        (await timed(() => call(server, "POST", `/api/plans/${planId}/versions/${first.result.id}/restore`, {}))).ms,
      );
    }
    const planBytes = storedPlanBytes(server.databasePath!, planId);
    const before = versionBytes(server.databasePath!, planId);

    const texts = textsOf(client.doc, sectionKeys);
    const random = seededRandom(99);
    const typingStart = performance.now();
    for (let edit = 0; edit < edits; edit++) {
      const text = random.pick(texts);
      if (edit % 5 === 4 && text.length > 0) text.delete(random.int(text.length), 1);
      else text.insert(random.int(text.length + 1), "x");
      const due = typingStart + ((edit + 1) * 1000) / EDITS_PER_SECOND;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((done) => setTimeout(done, wait));
    }
    await waitForStored(server, planId, client);
    // The quiet spell after the last edit, then its automatic version.
    await new Promise((done) => setTimeout(done, (60 / SPEED_UP) * 1000 + 1000));
    client.destroy();
    const after = versionBytes(server.databasePath!, planId);
    return {
      pages,
      planStateBytes: planBytes,
      versionStateBytes: versionSize.state,
      versionContentBytes: versionSize.content,
      read,
      make,
      compare,
      restore,
      edits,
      typingSeconds: (performance.now() - typingStart) / 1000,
      autoVersions: after.versions - before.versions,
      versionsBytesAdded: after.state + after.content - before.state - before.content,
      planStateBytesAfter: storedPlanBytes(server.databasePath!, planId),
    };
  } finally {
    await server.stop();
  }
}
