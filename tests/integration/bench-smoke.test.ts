import { afterAll, describe, expect, it } from "vitest";
import { measureTwoClientPropagation } from "../bench/propagation";
import { startCoplan, startStockYWebsocket, type BenchServer } from "../bench/servers";
import { measureStaleness } from "../bench/signoff-staleness";

const servers: BenchServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
});

/** The benchmark harness at a tiny size, so that `npm run bench` cannot rot unnoticed. */
describe("benchmark harness", () => {
  it("measures propagation on Coplan and the stock server, and sign-off staleness on Coplan", async () => {
    servers.push(await startCoplan(), await startStockYWebsocket());
    for (const server of servers) {
      const samples = await measureTwoClientPropagation(server, 5);
      expect(samples).toHaveLength(5);
      expect(samples.every((ms) => ms > 0)).toBe(true);
    }
    const staleness = await measureStaleness(servers[0]!, 2);
    expect(staleness.stale).toHaveLength(2);
    expect(staleness.edit).toHaveLength(2);
  });
});
