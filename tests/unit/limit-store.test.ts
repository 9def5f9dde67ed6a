import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { MemoryLimitStore } from "../../server/limit-store.server";

describe("the in-memory limit store", () => {
  it("gives at most the cap of slots to a burst taken at once, and each back when its holder closes", async () => {
    const slots = new MemoryLimitStore().slots(2);
    const holders = [new EventEmitter(), new EventEmitter(), new EventEmitter()];
    const taken = await Promise.all(holders.map((holder) => slots.take("ann", holder)));
    expect(taken).toEqual([true, true, false]);
    expect(await slots.take("bo", new EventEmitter())).toBe(true);
    holders[0]!.emit("close");
    expect(await slots.take("ann", new EventEmitter())).toBe(true);
    expect(await slots.take("ann", new EventEmitter())).toBe(false);
  });

  it("counts actions per key over the window", async () => {
    const counter = new MemoryLimitStore().rateCounter({ keyPrefix: "t", points: 2, duration: 60 });
    await counter.consume("ann");
    await counter.consume("ann");
    await expect(counter.consume("ann")).rejects.toMatchObject({ remainingPoints: 0 });
    await expect(counter.consume("bo")).resolves.toMatchObject({ remainingPoints: 1 });
  });
});
