import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { closeDatabase, openDatabase, type Db } from "../../db/client.server";
import * as schema from "../../db/schema";
import { planSnapshots, planUpdates, plans } from "../../db/schema";
import { SqliteDocStore } from "../../server/collab/doc-store.server";
import { loadTemplates } from "../../server/templates/template-files.server";
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

  it("numbers each plan's updates on its own, as one b-tree without rowids", () => {
    const store = new SqliteDocStore(db);
    const template = db.select().from(plans).get()!.template;
    db.insert(plans).values({ id: "plan-2", title: "U", area: "B", templateId: template.id, template }).run();
    const seqs = ["plan-1", "plan-2", "plan-1", "plan-1", "plan-2"].map((plan) =>
      store.append(plan, Y.encodeStateAsUpdate(new Y.Doc())),
    );
    expect(seqs).toEqual([1, 1, 2, 3, 2]);
    expect(db.$client.prepare("select wr from pragma_table_list where name = 'plan_updates'").get()).toEqual({ wr: 1 });
  });
});

describe("migration 0005", () => {
  const MIGRATIONS = join(dirname(fileURLToPath(import.meta.url)), "../../db/migrations");

  it("keeps a database's logged updates, their ids becoming sequence numbers", () => {
    closeDatabase(db);
    path = join(mkdtempSync(join(tmpdir(), "coplan-migrate-")), "old.sqlite");
    const before0005 = mkdtempSync(join(tmpdir(), "coplan-migrations-"));
    cpSync(MIGRATIONS, before0005, { recursive: true });
    const journalPath = join(before0005, "meta/_journal.json");
    const journal = JSON.parse(readFileSync(journalPath, "utf8"));
    journal.entries = journal.entries.filter((entry: { tag: string }) => entry.tag < "0005");
    writeFileSync(journalPath, JSON.stringify(journal));

    const old = new Database(path);
    migrate(drizzle(old, { schema }), { migrationsFolder: before0005 });
    const template = [...loadTemplates(TEMPLATES_DIR).values()][0]!;
    old
      .prepare("insert into plans (id, title, area, template_id, template) values (?, 'T', 'A', ?, ?)")
      .run(PLAN, template.id, JSON.stringify(template));
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on("update", (update: Uint8Array) => updates.push(update));
    doc.getText("t").insert(0, "kept ");
    doc.getText("t").insert(5, "across the migration");
    const insert = old.prepare('insert into plan_updates (id, plan_id, "update") values (?, ?, ?)');
    updates.forEach((update, i) => insert.run(40 + i, PLAN, Buffer.from(update)));
    old.close();

    db = openDatabase(path);
    const loaded = new SqliteDocStore(db).load(PLAN);
    const copy = new Y.Doc();
    Y.applyUpdate(copy, loaded.state);
    expect(copy.getText("t").toString()).toBe("kept across the migration");
    expect(loaded.lastUpdateId).toBe(41);
    expect(new SqliteDocStore(db).append(PLAN, updates[0]!)).toBe(42);
  });
});
