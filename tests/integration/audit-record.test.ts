import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Store } from "../../db/store.server";
import { GENESIS_HASH } from "../../server/plans/audit-chain.server";
import { recordAudit } from "../../server/plans/audit.server";
import { openTestStore, STORE_KINDS, type TestStore } from "../support/stores";

describe.each(STORE_KINDS)("recording audit entries on the %s store", (kind) => {
  let opened: TestStore;
  let store: Store;
  beforeAll(async () => {
    opened = await openTestStore(kind);
    store = opened.store;
  });
  afterAll(() => opened?.dispose());

  it("links twenty entries written at once into one chain, each on the one before", async () => {
    const { auditEvents } = store.tables;
    await Promise.all(Array.from({ length: 20 }, (_, i) => recordAudit(store, { type: "test.entry", detail: { i } })));
    const chain = await store.db
      .select({ prevHash: auditEvents.prevHash, hash: auditEvents.hash })
      .from(auditEvents)
      .orderBy(asc(auditEvents.id));
    expect(chain).toHaveLength(20);
    expect(chain.map((entry) => entry.prevHash)).toEqual([
      GENESIS_HASH,
      ...chain.slice(0, -1).map((entry) => entry.hash),
    ]);
  });

  it("writes inside the caller's transaction, and not at all when it rolls back", async () => {
    const { auditEvents } = store.tables;
    await expect(
      store.transaction(async (tx) => {
        await recordAudit(store, { type: "test.rolled-back" }, tx);
        throw new Error("undone");
      }),
    ).rejects.toThrow("undone");
    expect(await store.db.select().from(auditEvents).where(eq(auditEvents.type, "test.rolled-back"))).toEqual([]);
  });
});
