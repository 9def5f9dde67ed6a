import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { closeDatabase, openDatabase, type Db } from "../../db/client.server";
import { planSnapshots, planUpdates, plans } from "../../db/schema";
import { SqliteDocStore } from "../../server/collab/doc-store.server";
import { loadTemplates } from "../../server/templates.server";
import { TEMPLATES_DIR } from "../../server/services.server";

const PLAN = "plan-1";
let path: string;
let db: Db;

beforeEach(() => {
  path = join(mkdtempSync(join(tmpdir(), "coplan-store-")), "store.sqlite");
  db = openDatabase(path);
  const template = [...loadTemplates(TEMPLATES_DIR).values()][0]!;
  db.insert(plans).values({ id: PLAN, title: "T", area: "A", templateId: template.id, template }).run();
});
afterEach(() => closeDatabase(db));

/** Makes edits on a doc and appends each update to the store, as the sync server does. */
function editAndStore(store: SqliteDocStore, doc: Y.Doc, edits: number) {
  doc.on("update", (update: Uint8Array) => store.append(PLAN, update));
  const text = doc.getText("t");
  for (let i = 0; i < edits; i++) text.insert(text.length, `${i},`);
}

describe("the SQLite document store", () => {
  it("appends updates and loads them back as the same document", () => {
    const store = new SqliteDocStore(db);
    const doc = new Y.Doc();
    editAndStore(store, doc, 25);
    const loaded = store.load(PLAN);
    const copy = new Y.Doc();
    Y.applyUpdate(copy, loaded.state);
    expect(copy.getText("t").toString()).toBe(doc.getText("t").toString());
    expect(loaded.loggedUpdates).toBe(25);
    expect(db.$client.prepare("select count(*) as n from plan_updates").get()).toEqual({ n: 25 });
  });

  it("compaction replaces the log by one snapshot and keeps later updates", () => {
    const store = new SqliteDocStore(db);
    const doc = new Y.Doc();
    editAndStore(store, doc, 10);
    const before = store.load(PLAN);
    store.compact(PLAN, Y.encodeStateAsUpdate(doc), before.lastUpdateId);
    expect(db.select().from(planUpdates).all()).toHaveLength(0);
    expect(db.select().from(planSnapshots).all()).toHaveLength(1);

    doc.getText("t").insert(0, "after:");
    const after = store.load(PLAN);
    expect(after.loggedUpdates).toBe(1);
    const copy = new Y.Doc();
    Y.applyUpdate(copy, after.state);
    expect(copy.getText("t").toString()).toBe(doc.getText("t").toString());
  });

  it("a second compaction leaves only the newest snapshot", () => {
    const store = new SqliteDocStore(db);
    const doc = new Y.Doc();
    editAndStore(store, doc, 3);
    store.compact(PLAN, Y.encodeStateAsUpdate(doc), store.load(PLAN).lastUpdateId);
    doc.getText("t").insert(0, "x");
    store.compact(PLAN, Y.encodeStateAsUpdate(doc), store.load(PLAN).lastUpdateId);
    const snapshots = db.select().from(planSnapshots).all();
    expect(snapshots).toHaveLength(1);
    const copy = new Y.Doc();
    Y.applyUpdate(copy, store.load(PLAN).state);
    expect(copy.getText("t").toString()).toBe(doc.getText("t").toString());
  });

  it("survives closing and reopening the database file", () => {
    const store = new SqliteDocStore(db);
    const doc = new Y.Doc();
    editAndStore(store, doc, 5);
    closeDatabase(db);
    db = openDatabase(path);
    const copy = new Y.Doc();
    Y.applyUpdate(copy, new SqliteDocStore(db).load(PLAN).state);
    expect(copy.getText("t").toString()).toBe("0,1,2,3,4,");
  });

  it("an unknown plan loads as an empty document", () => {
    const loaded = new SqliteDocStore(db).load("no-such-plan");
    const copy = new Y.Doc();
    Y.applyUpdate(copy, loaded.state);
    expect(copy.share.size).toBe(0);
    expect(loaded.lastUpdateId).toBe(0);
  });
});
