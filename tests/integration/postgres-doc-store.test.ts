import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { closePostgres, openPostgres, type PgDb } from "../../db/postgres/client.server";
import { planSnapshots, planUpdates, plans } from "../../db/postgres/schema";
import { PostgresDocStore } from "../../server/collab/postgres-doc-store.server";
import { loadTemplates } from "../../server/templates/template-files.server";
import { TEMPLATES_DIR } from "../../server/services.server";
import { makeDatabase, type TestDatabase } from "../support/postgres";

let database: TestDatabase;
let db: PgDb;
let store: PostgresDocStore;

beforeAll(async () => {
  database = await makeDatabase();
  db = await openPostgres(database.url);
  store = new PostgresDocStore(db);
  const template = [...loadTemplates(TEMPLATES_DIR).values()][0]!;
  await db.insert(plans).values(
    ["plan-1", "plan-2", "plan-3", "plan-4", "plan-5"].map((id) => ({
      id,
      title: "T",
      area: "A",
      templateId: template.id,
      template,
    })),
  );
});

afterAll(async () => {
  if (db) await closePostgres(db);
  await database?.drop();
});

/** Makes `edits` edits on `doc`, appending each update as the sync server does; answers their numbers. */
async function editAndStore(planId: string, doc: Y.Doc, edits: number): Promise<number[]> {
  const numbers: number[] = [];
  for (let i = 0; i < edits; i++) {
    let update: Uint8Array = new Uint8Array();
    doc.once("update", (made: Uint8Array) => (update = made));
    doc.getText("t").insert(doc.getText("t").length, `${i},`);
    numbers.push(await store.append(planId, update));
  }
  return numbers;
}

function read(state: Uint8Array): string {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  return doc.getText("t").toString();
}

describe("the PostgreSQL document store", () => {
  it("appends updates and loads them back as the same document", async () => {
    const doc = new Y.Doc();
    await editAndStore("plan-1", doc, 25);
    const stored = await store.load("plan-1");
    expect(read(stored.state)).toBe(doc.getText("t").toString());
    expect(stored.loggedUpdates).toBe(25);
  });

  it("compaction replaces the log by one snapshot and keeps later updates; a second leaves only the newest", async () => {
    const doc = new Y.Doc();
    await editAndStore("plan-2", doc, 10);
    const first = await store.load("plan-2");
    await store.compact("plan-2", first.state, first.lastUpdateId);
    await editAndStore("plan-2", doc, 3);
    const second = await store.load("plan-2");
    expect(read(second.state)).toBe(doc.getText("t").toString());
    expect(second.loggedUpdates).toBe(3);
    await store.compact("plan-2", second.state, second.lastUpdateId);
    const third = await store.load("plan-2");
    expect(read(third.state)).toBe(doc.getText("t").toString());
    expect(third.loggedUpdates).toBe(0);
    expect(await db.$count(planSnapshots, undefined)).toBe(1);
    expect(await db.$count(planUpdates, undefined)).toBe(25);
  });

  it("loads an unknown plan as an empty document", async () => {
    const stored = await store.load("no-such-plan");
    expect(read(stored.state)).toBe("");
    expect(stored.lastUpdateId).toBe(0);
  });

  it("numbers updates by the database, across plans and processes, never reusing one", async () => {
    const other = await openPostgres(database.url);
    try {
      const second = new PostgresDocStore(other);
      const appendMany = (target: PostgresDocStore, planId: string) =>
        Promise.all(
          Array.from({ length: 40 }, (_, i) => target.append(planId, Y.encodeStateAsUpdate(textDoc(`${i}`)))),
        );
      const [a, b] = await Promise.all([appendMany(store, "plan-3"), appendMany(second, "plan-4")]);
      const all = [...a, ...b];
      expect(new Set(all).size).toBe(80);
      const stored = await store.load("plan-3");
      await store.compact("plan-3", stored.state, stored.lastUpdateId);
      const [after] = await editAndStore("plan-5", new Y.Doc(), 1);
      expect(after).toBeGreaterThan(Math.max(...all));
    } finally {
      await closePostgres(other);
    }
  });
});

function textDoc(text: string): Y.Doc {
  const doc = new Y.Doc();
  doc.getText("t").insert(0, text);
  return doc;
}
