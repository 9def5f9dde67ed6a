import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { closeDatabase, openDatabase, type SqliteDb } from "../../db/client.server";
import * as schema from "../../db/schema";
import { planSnapshots, planUpdates, plans } from "../../db/schema";
import { SqliteDocStore } from "../../server/collab/doc-store.server";
import { loadTemplates } from "../../server/templates/template-files.server";
import { TEMPLATES_DIR } from "../../server/services.server";

const PLAN = "plan-1";
let path: string;
let db: SqliteDb;

beforeEach(() => {
  path = join(mkdtempSync(join(tmpdir(), "coplan-store-")), "store.sqlite");
  db = openDatabase(path);
  const template = [...loadTemplates(TEMPLATES_DIR).values()][0]!;
  db.insert(plans).values({ id: PLAN, title: "T", area: "A", templateId: template.id, template }).run();
});
afterEach(() => closeDatabase(db));

/** Makes edits on a doc and appends each update to the store, one after another, as the sync server does. */
async function editAndStore(store: SqliteDocStore, doc: Y.Doc, edits: number) {
  const text = doc.getText("t");
  for (let i = 0; i < edits; i++) {
    const before = Y.encodeStateVector(doc);
    text.insert(text.length, `${i},`);
    await store.append(PLAN, Y.encodeStateAsUpdate(doc, before));
  }
}

/** One more edit of `doc`, stored. */
async function editOnce(store: SqliteDocStore, doc: Y.Doc, edit: (doc: Y.Doc) => void) {
  const before = Y.encodeStateVector(doc);
  edit(doc);
  await store.append(PLAN, Y.encodeStateAsUpdate(doc, before));
}

describe("the SQLite document store", () => {
  it("appends updates and loads them back as the same document", async () => {
    const store = new SqliteDocStore(db);
    const doc = new Y.Doc();
    await editAndStore(store, doc, 25);
    const loaded = await store.load(PLAN);
    const copy = new Y.Doc();
    Y.applyUpdate(copy, loaded.state);
    expect(copy.getText("t").toString()).toBe(doc.getText("t").toString());
    expect(loaded.loggedUpdates).toBe(25);
    expect(db.$client.prepare("select count(*) as n from plan_updates").get()).toEqual({ n: 25 });
  });

  it("compaction replaces the log by one snapshot and keeps later updates", async () => {
    const store = new SqliteDocStore(db);
    const doc = new Y.Doc();
    await editAndStore(store, doc, 10);
    const before = await store.load(PLAN);
    await store.compact(PLAN, Y.encodeStateAsUpdate(doc), before.lastUpdateId);
    expect(db.select().from(planUpdates).all()).toHaveLength(0);
    expect(db.select().from(planSnapshots).all()).toHaveLength(1);

    await editOnce(store, doc, (edited) => edited.getText("t").insert(0, "after:"));
    const after = await store.load(PLAN);
    expect(after.loggedUpdates).toBe(1);
    const copy = new Y.Doc();
    Y.applyUpdate(copy, after.state);
    expect(copy.getText("t").toString()).toBe(doc.getText("t").toString());
  });

  it("a second compaction leaves only the newest snapshot", async () => {
    const store = new SqliteDocStore(db);
    const doc = new Y.Doc();
    await editAndStore(store, doc, 3);
    await store.compact(PLAN, Y.encodeStateAsUpdate(doc), (await store.load(PLAN)).lastUpdateId);
    await editOnce(store, doc, (edited) => edited.getText("t").insert(0, "x"));
    await store.compact(PLAN, Y.encodeStateAsUpdate(doc), (await store.load(PLAN)).lastUpdateId);
    const snapshots = db.select().from(planSnapshots).all();
    expect(snapshots).toHaveLength(1);
    const copy = new Y.Doc();
    Y.applyUpdate(copy, (await store.load(PLAN)).state);
    expect(copy.getText("t").toString()).toBe(doc.getText("t").toString());
  });

  it("survives closing and reopening the database file", async () => {
    const store = new SqliteDocStore(db);
    const doc = new Y.Doc();
    await editAndStore(store, doc, 5);
    closeDatabase(db);
    db = openDatabase(path);
    const copy = new Y.Doc();
    Y.applyUpdate(copy, (await new SqliteDocStore(db).load(PLAN)).state);
    expect(copy.getText("t").toString()).toBe("0,1,2,3,4,");
  });

  it("an unknown plan loads as an empty document", async () => {
    const loaded = await new SqliteDocStore(db).load("no-such-plan");
    const copy = new Y.Doc();
    Y.applyUpdate(copy, loaded.state);
    expect(copy.share.size).toBe(0);
    expect(loaded.lastUpdateId).toBe(0);
  });

  it("numbers updates by the database, for every plan, never reusing a number compaction deleted", async () => {
    const store = new SqliteDocStore(db);
    const template = db.select().from(plans).get()!.template;
    db.insert(plans).values({ id: "plan-2", title: "U", area: "B", templateId: template.id, template }).run();
    const seqs: number[] = [];
    for (const plan of ["plan-1", "plan-2", "plan-1", "plan-1", "plan-2"]) {
      seqs.push(await store.append(plan, Y.encodeStateAsUpdate(new Y.Doc())));
    }
    expect(seqs).toEqual([1, 2, 3, 4, 5]);
    await store.compact("plan-2", Y.encodeStateAsUpdate(new Y.Doc()), 5);
    await store.compact("plan-1", Y.encodeStateAsUpdate(new Y.Doc()), 4);
    expect(db.select().from(planUpdates).all()).toHaveLength(0);
    expect(await store.append("plan-1", Y.encodeStateAsUpdate(new Y.Doc()))).toBe(6);
    expect(await store.load("plan-1")).toMatchObject({ lastUpdateId: 6, loggedUpdates: 1 });
  });
});

describe("migration 0005", () => {
  const MIGRATIONS = join(dirname(fileURLToPath(import.meta.url)), "../../db/migrations");

  it("keeps a database's logged updates, their ids becoming sequence numbers", async () => {
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
    const loaded = await new SqliteDocStore(db).load(PLAN);
    const copy = new Y.Doc();
    Y.applyUpdate(copy, loaded.state);
    expect(copy.getText("t").toString()).toBe("kept across the migration");
    expect(loaded.loggedUpdates).toBe(2);
    expect(loaded.lastUpdateId).toBe(2);
    expect(await new SqliteDocStore(db).append(PLAN, updates[0]!)).toBe(loaded.lastUpdateId + 1);
  });
});

describe("migration 0017", () => {
  const MIGRATIONS = join(dirname(fileURLToPath(import.meta.url)), "../../db/migrations");

  it("renumbers every plan's log into one sequence and keeps what each snapshot covers", async () => {
    closeDatabase(db);
    path = join(mkdtempSync(join(tmpdir(), "coplan-migrate-")), "old.sqlite");
    const before0017 = mkdtempSync(join(tmpdir(), "coplan-migrations-"));
    cpSync(MIGRATIONS, before0017, { recursive: true });
    const journalPath = join(before0017, "meta/_journal.json");
    const journal = JSON.parse(readFileSync(journalPath, "utf8"));
    journal.entries = journal.entries.filter((entry: { tag: string }) => entry.tag < "0017");
    writeFileSync(journalPath, JSON.stringify(journal));

    const old = new Database(path);
    migrate(drizzle(old, { schema }), { migrationsFolder: before0017 });
    const template = [...loadTemplates(TEMPLATES_DIR).values()][0]!;
    const addPlan = old.prepare(
      "insert into plans (id, title, area, template_id, template) values (?, 'T', 'A', ?, ?)",
    );
    const logUpdate = old.prepare('insert into plan_updates (plan_id, seq, "update") values (?, ?, ?)');
    const snapshot = old.prepare("insert into plan_snapshots (plan_id, state, up_to_update_id) values (?, ?, ?)");
    const texts = new Map<string, string>();
    // Plan a: a snapshot up to 7, then 8 and 9 logged. Plan b: only a log, 1 to 3.
    for (const [planId, snapshotUpTo, seqs] of [
      ["a", 7, [8, 9]],
      ["b", 0, [1, 2, 3]],
    ] as const) {
      addPlan.run(planId, template.id, JSON.stringify(template));
      const doc = new Y.Doc();
      if (snapshotUpTo > 0) {
        doc.getText("t").insert(0, `${planId} snapshot;`);
        snapshot.run(planId, Buffer.from(Y.encodeStateAsUpdate(doc)), snapshotUpTo);
      }
      for (const seq of seqs) {
        const before = Y.encodeStateVector(doc);
        doc.getText("t").insert(doc.getText("t").length, ` ${seq}`);
        logUpdate.run(planId, seq, Buffer.from(Y.encodeStateAsUpdate(doc, before)));
      }
      texts.set(planId, doc.getText("t").toString());
    }
    old.close();

    db = openDatabase(path);
    const store = new SqliteDocStore(db);
    for (const [planId, text] of texts) {
      const copy = new Y.Doc();
      Y.applyUpdate(copy, (await store.load(planId)).state);
      expect(copy.getText("t").toString()).toBe(text);
    }
    expect(await store.load("a")).toMatchObject({ loggedUpdates: 2 });
    expect(await store.load("b")).toMatchObject({ loggedUpdates: 3 });
    const next = await store.append("a", Y.encodeStateAsUpdate(new Y.Doc()));
    expect(next).toBe(6);
    expect(await store.load("a")).toMatchObject({ lastUpdateId: 6, loggedUpdates: 3 });
  });
});
