import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Store } from "../../db/store.server";
import { openTestStore, STORE_KINDS, type TestStore } from "../support/stores";

function person(id: string) {
  return {
    id,
    email: `${id}@example.org`,
    name: id,
    organisation: "Swindon",
    side: "local" as const,
    passwordHash: "x",
  };
}

describe.each(STORE_KINDS)("the %s store", (kind) => {
  let opened: TestStore;
  let store: Store;
  beforeAll(async () => {
    opened = await openTestStore(kind);
    store = opened.store;
  });
  afterAll(() => opened?.dispose());

  it("runs the same awaited queries, with dates and booleans read back as written", async () => {
    const { users } = store.tables;
    await store.db
      .insert(users)
      .values({ ...person("ann"), isAdmin: true, deactivatedAt: new Date(1_700_000_000_123) });
    const [ann] = await store.db.select().from(users).where(eq(users.id, "ann"));
    expect(ann).toMatchObject({ id: "ann", isAdmin: true, deactivatedAt: new Date(1_700_000_000_123) });
    expect(ann!.createdAt).toBeInstanceOf(Date);
    const renamed = await store.db
      .update(users)
      .set({ name: "Ann B" })
      .where(eq(users.id, "ann"))
      .returning({ name: users.name });
    expect(renamed).toEqual([{ name: "Ann B" }]);
  });

  it("rolls a transaction back whole when it throws", async () => {
    const { users } = store.tables;
    await expect(
      store.transaction(async (tx) => {
        await tx.insert(users).values(person("bob"));
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    expect(await store.db.select().from(users).where(eq(users.id, "bob"))).toEqual([]);
  });

  it("keeps a statement made outside a transaction out of it, so a rollback cannot take it", async () => {
    const { users } = store.tables;
    let inside!: () => void;
    const insideReached = new Promise<void>((resolve) => (inside = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const failing = store.transaction(async (tx) => {
      await tx.insert(users).values(person("carol"));
      inside();
      await released;
      throw new Error("rolled back");
    });
    await insideReached;
    const outside = store.db.insert(users).values(person("dan"));
    release();
    await expect(failing).rejects.toThrow("rolled back");
    await outside;
    const ids = (await store.db.select({ id: users.id }).from(users)).map((row) => row.id);
    expect(ids).toContain("dan");
    expect(ids).not.toContain("carol");
  });

  it("lets one transaction at a time hold a lock's key", async () => {
    const { users } = store.tables;
    const order: string[] = [];
    await store.db.insert(users).values(person("erin"));
    const writer = (name: string) =>
      store.transaction(async (tx) => {
        await store.lock(tx, "plan:p1");
        const [row] = await tx.select({ name: users.name }).from(users).where(eq(users.id, "erin"));
        order.push(`${name} read ${row!.name}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
        await tx
          .update(users)
          .set({ name: `${row!.name}+${name}` })
          .where(eq(users.id, "erin"));
      });
    await Promise.all([writer("one"), writer("two")]);
    const [erin] = await store.db.select({ name: users.name }).from(users).where(eq(users.id, "erin"));
    expect(erin!.name).toBe("erin+one+two");
    expect(order).toEqual(["one read erin", "two read erin+one"]);
  });
});
