import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { sectionDataName, sectionFragmentName } from "../../app/shared/doc-names";
import type { SqliteDb } from "../../db/client.server";
import * as schema from "../../db/schema";
import { SqliteDocStore } from "../../server/collab/doc-store.server";
import { getJson, requestJson, signIn, signOff } from "../support/http";
import { runSeed, seededRandom } from "../support/random";
import { startServer, tempDatabasePath, type RunningServer } from "../support/server";
import { connectClient, waitFor, waitForSync } from "../support/yjs-client";

/**
 * Plans stored before updates were checked, written straight to the database as an old server
 * would have stored them: thousands of nested elements in a signed section, thousands of roots
 * no section owns, a structured part nested thousands deep and a map with a huge number of
 * keys. They must open, read and export, and an editor must be able to repair them.
 */
const SEED = runSeed("HOSTILE_SEED");
const random = seededRandom(SEED);
const OWNER = "owner@swindon.example";
const EDITOR = "editor@swindon.example";
const SIGNATORY = "signatory@swindon.example";
const DEEP = "customer-insight";

let server: RunningServer | undefined;

afterAll(async () => {
  await server?.stop();
});

function spoiledUpdate(depth: number, roots: number, dataDepth: number, keys: number): Uint8Array {
  const doc = new Y.Doc();
  doc.transact(() => {
    let current: Y.XmlFragment | Y.XmlElement = doc.getXmlFragment(sectionFragmentName(DEEP));
    for (let i = 0; i < depth; i++) {
      current.insert(0, [new Y.XmlElement(random.pick(["blockquote", "bulletList", "listItem"]))]);
      current = current.get(0) as Y.XmlElement;
    }
    const paragraph = new Y.XmlElement("paragraph");
    paragraph.insert(0, [new Y.XmlText("words at the very bottom")]);
    current.insert(0, [paragraph]);
    for (let i = 0; i < roots; i++) doc.getMap(`junk-${i}`).set("n", i);
    let map = doc.getMap(sectionDataName("reform-agenda"));
    for (let i = 0; i < dataDepth; i++) {
      map.set("inner", new Y.Map());
      map = map.get("inner") as Y.Map<unknown>;
    }
    const wide = doc.getMap(sectionDataName("governance"));
    for (let i = 0; i < keys; i++) wide.set(`k${i}`, i);
  });
  return Y.encodeStateAsUpdate(doc);
}

describe(`plans spoiled before updates were checked (seed ${SEED})`, () => {
  it("open, read and export, and an editor can delete the deep content", async () => {
    const databasePath = tempDatabasePath();
    server = await startServer({ databasePath });
    const owner = await signIn(server.url, OWNER);
    const created = await requestJson(server.url, "POST", "/api/plans", owner, {
      templateId: "single-budget-for-a-place",
      title: "Spoiled",
      area: "Swindon",
    });
    const planId = created.body.id as string;
    for (const [email, role] of [
      [EDITOR, "editor"],
      [SIGNATORY, "signatory"],
    ]) {
      expect(
        (await requestJson(server.url, "POST", `/api/plans/${planId}/members`, owner, { email, role })).status,
      ).toBe(201);
    }
    const signatory = await signIn(server.url, SIGNATORY);
    // A section with nothing written cannot be signed: the helper writes a line first.
    expect((await signOff(server.url, planId, DEEP, signatory)).status).toBe(201);
    await server.stop();

    // Rich text only as deep as Yjs itself can still delete (its delete and garbage collection
    // recurse per level, and overflow a few thousand levels down); the structured part, only
    // read here, far deeper.
    const depth = 1500 + random.int(1000);
    const connection = new Database(databasePath);
    try {
      await new SqliteDocStore(drizzle(connection, { schema }) as SqliteDb).append(
        planId,
        spoiledUpdate(depth, 3000 + random.int(3000), 6000 + random.int(3000), 50_000),
      );
    } finally {
      connection.close();
    }

    server = await startServer({ databasePath });
    const cookie = await signIn(server.url, OWNER);
    const plan = await getJson<{ sections: { key: string; text: string; signoff: { state: string } }[] }>(
      server.url,
      `/api/plans/${planId}`,
      cookie,
    );
    expect(plan.status).toBe(200);
    const deep = plan.body.sections.find((section) => section.key === DEEP)!;
    expect(deep.text).toContain("words at the very bottom");
    // The check that runs when the plan loads found the signed section changed.
    await waitFor(
      async () => {
        const now = await getJson<{ sections: { key: string; signoff: { state: string } }[] }>(
          server!.url,
          `/api/plans/${planId}`,
          cookie,
        );
        return now.body.sections.find((section) => section.key === DEEP)!.signoff.state === "stale";
      },
      10_000,
      "the spoiled signed section marked stale",
    );
    expect((await fetch(`${server.url}/plans/${planId}`, { headers: { cookie } })).status).toBe(200);
    expect((await getJson(server.url, `/api/plans/${planId}/comments`, cookie)).status).toBe(200);
    const pdf = await fetch(`${server.url}/api/plans/${planId}/export.pdf`, { headers: { cookie } });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toContain("application/pdf");

    const editor = connectClient(server.url, planId, await signIn(server.url, EDITOR));
    await waitForSync(editor, 30_000);
    const fragment = editor.doc.getXmlFragment(sectionFragmentName(DEEP));
    const paragraph = new Y.XmlElement("paragraph");
    paragraph.insert(0, [new Y.XmlText("Repaired by an editor.")]);
    editor.doc.transact(() => {
      fragment.delete(0, fragment.length);
      fragment.insert(0, [paragraph]);
    });
    await waitFor(
      async () => {
        const now = await getJson<{ sections: { key: string; text: string }[] }>(
          server!.url,
          `/api/plans/${planId}`,
          cookie,
        );
        return now.body.sections.find((section) => section.key === DEEP)!.text === "Repaired by an editor.";
      },
      10_000,
      "the repair stored",
    );
    editor.destroy();

    const fresh = connectClient(server.url, planId, cookie);
    await waitForSync(fresh, 30_000);
    expect(fresh.doc.getXmlFragment(sectionFragmentName(DEEP)).toString()).toBe(
      "<paragraph>Repaired by an editor.</paragraph>",
    );
    fresh.destroy();
    expect(server.process.exitCode).toBeNull();
    expect((await getJson(server.url, "/api/health")).body).toEqual({ ok: true });
  }, 180_000);
});
