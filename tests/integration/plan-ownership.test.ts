import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { closePostgres, openPostgres, type PgDb } from "../../db/postgres/client.server";
import { plans } from "../../db/postgres/schema";
import { LeaseLost, OwnedDocStore } from "../../server/cluster/owned-doc-store.server";
import { PlanLeases } from "../../server/cluster/plan-leases.server";
import { PlanHeldElsewhere, PlanOwnership } from "../../server/cluster/plan-ownership.server";
import { PostgresDocStore } from "../../server/collab/postgres-doc-store.server";
import { loadTemplates } from "../../server/templates/template-files.server";
import { TEMPLATES_DIR } from "../../server/services.server";
import { makeDatabase, type TestDatabase } from "../support/postgres";

let database: TestDatabase;
let first: PgDb;
let second: PgDb;

beforeAll(async () => {
  database = await makeDatabase();
  first = await openPostgres(database.url);
  second = await openPostgres(database.url);
  const template = [...loadTemplates(TEMPLATES_DIR).values()][0]!;
  await first
    .insert(plans)
    .values(["p1", "p2", "p3", "p4"].map((id) => ({ id, title: "T", area: "A", templateId: template.id, template })));
});

afterAll(async () => {
  for (const db of [first, second]) if (db) await closePostgres(db);
  await database?.drop();
});

function update(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText("t").insert(0, text);
  return Y.encodeStateAsUpdate(doc);
}

/** One process's view: its ownership of plans and its fenced store; `lost` records what it lost. */
function process(db: PgDb, name: string, ttlMs: number) {
  const lost: string[] = [];
  const ownership = new PlanOwnership(new PlanLeases(db, name, `${name}:3000`, ttlMs), ttlMs / 3, (planId) =>
    lost.push(planId),
  );
  return { ownership, store: new OwnedDocStore(new PostgresDocStore(db), ownership), lost };
}

function textOf(state: Uint8Array): string {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  return doc.getText("t").toString();
}

describe("plan ownership", () => {
  it("loads a plan on the process that takes it, and tells the others where it is", async () => {
    const a = process(first, "a", 10_000);
    const b = process(second, "b", 10_000);
    await a.store.load("p1");
    expect(await a.store.append("p1", update("mine"))).toBeGreaterThan(0);
    const refused = await b.store.load("p1").catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(PlanHeldElsewhere);
    expect((refused as PlanHeldElsewhere).holder).toEqual({ owner: "a", address: "a:3000" });
    await a.ownership.releaseAll();
  });

  it("keeps a plan past its lease's life while renewing it", async () => {
    const a = process(first, "a", 900);
    const b = process(second, "b", 900);
    a.ownership.start();
    await a.store.load("p2");
    await sleep(1500);
    await expect(b.store.load("p2")).rejects.toBeInstanceOf(PlanHeldElsewhere);
    expect(await a.store.append("p2", update("still mine"))).toBeGreaterThan(0);
    expect(a.lost).toEqual([]);
    await a.ownership.releaseAll();
  });

  it("refuses a frozen owner's append and compaction once another has the plan, and tells it", async () => {
    const a = process(first, "a", 800);
    const b = process(second, "b", 10_000);
    await a.store.load("p3");
    await a.store.append("p3", update("before"));
    await sleep(1000); // a is frozen: it renews nothing
    await b.store.load("p3");
    await b.store.append("p3", update("new owner"));
    await expect(a.store.append("p3", update("stale"))).rejects.toBeInstanceOf(LeaseLost);
    expect(a.lost).toEqual(["p3"]);
    await expect(a.store.compact("p3", update("stale snapshot"), 1_000_000)).rejects.toBeInstanceOf(LeaseLost);
    const stored = await b.store.peek("p3");
    expect(stored.loggedUpdates).toBe(2);
    expect(textOf(stored.state)).not.toContain("stale");
    await b.ownership.releaseAll();
  });

  it("refuses an old owner's compaction in the database even when it still thinks it holds the plan", async () => {
    const a = process(first, "a", 800);
    const b = process(second, "b", 10_000);
    await a.store.load("p4");
    const upTo = await a.store.append("p4", update("one"));
    await sleep(1000);
    await b.store.load("p4");
    await b.store.append("p4", update("two"));
    await expect(a.store.compact("p4", update("one"), upTo)).rejects.toBeInstanceOf(LeaseLost);
    expect((await b.store.peek("p4")).loggedUpdates).toBe(2);
  });

  it("hands every plan over at once on a graceful stop", async () => {
    const a = process(first, "a", 60_000);
    const b = process(second, "b", 60_000);
    await a.store.load("p1");
    await a.ownership.releaseAll();
    await b.store.load("p1");
    expect(b.ownership.leaseOf("p1")).toBeDefined();
    await b.ownership.releaseAll();
  });
});
