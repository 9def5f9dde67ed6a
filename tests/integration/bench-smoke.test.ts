import { afterAll, describe, expect, it } from "vitest";
import { measureAuditVerify } from "../bench/audit-verify";
import { measureColdOpen } from "../bench/cold-open";
import { measureWriteAmplification } from "../bench/durability";
import { measureExportLoad } from "../bench/export-load";
import { measurePropagation } from "../bench/propagation";
import { startCoplan, startHocuspocus, startStockYWebsocket, type BenchServer } from "../bench/servers";
import { measureStaleness } from "../bench/signoff-staleness";
import { measureSearchAndPortfolio } from "../bench/search-portfolio";
import { measureVersions } from "../bench/versions";

const servers: BenchServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
});

/** The benchmark harness at a tiny size, so that `npm run bench` cannot rot unnoticed. */
describe("benchmark harness", () => {
  it("measures propagation from load processes on all three servers, and sign-off staleness on Coplan", async () => {
    servers.push(await startCoplan(), await startStockYWebsocket(), await startHocuspocus());
    for (const server of servers) {
      const result = await measurePropagation(server, 2, 1);
      expect(result.server).toBe(server.name);
      expect(result.missingShare).toBe(0);
      expect(result.p50).toBeGreaterThan(0);
      expect(result.p99).toBeGreaterThanOrEqual(result.p50);
    }
    const staleness = await measureStaleness(servers[0]!, 2);
    expect(staleness.stale).toHaveLength(2);
    expect(staleness.edit).toHaveLength(2);
  });

  it("measures Coplan's disk writes per update byte, and a cold open on Coplan and Hocuspocus", async () => {
    const written = await measureWriteAmplification(servers[0]!, 1, 0);
    expect(written.updateBytes).toBeGreaterThan(0);
    expect(written.diskBytes).toBeGreaterThan(written.updateBytes);

    const opens = await measureColdOpen(2, 1);
    expect(opens.map((open) => open.server)).toEqual([servers[0]!.name, servers[2]!.name]);
    for (const open of opens) {
      expect(open.storedBytes).toBeGreaterThan(1000);
      expect(open.firstByte[0]).toBeGreaterThan(0);
      expect(open.fullSync[0]).toBeGreaterThanOrEqual(open.firstByte[0]!);
    }
  });

  it("times verify-audit over generated entries beside reading them", () => {
    const measured = measureAuditVerify(2000, 5, 2);
    expect([measured.entries, measured.chains, measured.broken]).toEqual([2000, 6, null]);
    expect(measured.verify).toHaveLength(2);
    expect(measured.read).toHaveLength(2);
    expect(measured.commandWalkMs).toBeGreaterThanOrEqual(0);
  });

  it("measures /api/health beside concurrent PDF exports", async () => {
    const load = await measureExportLoad(servers[0]!, 2, 2, 5);
    expect(load.statuses).toEqual([200, 200]);
    expect(load.idle).toHaveLength(5);
    expect(load.loaded.length).toBeGreaterThan(0);
    expect(load.peakResidentBytes).toBeGreaterThan(0);
  });

  it("measures search, the portfolio and indexing on generated plans", async () => {
    const measured = await measureSearchAndPortfolio(20, 5);
    expect(measured.rows).toBe(20);
    expect(measured.hits).toBeGreaterThan(0);
    for (const samples of [measured.searchMember, measured.searchAdmin, measured.likeScan])
      expect(samples).toHaveLength(5);
    expect(measured.portfolio).toHaveLength(5);
    expect(measured.index).toHaveLength(200);
  });

  it("measures making, comparing and restoring versions, and their storage under edits", async () => {
    const result = await measureVersions(2, 50, 1);
    expect(result.make).toHaveLength(1);
    expect(result.compare).toHaveLength(1);
    expect(result.restore).toHaveLength(1);
    expect(result.versionStateBytes).toBeGreaterThan(0);
    expect(result.autoVersions).toBeGreaterThan(0);
    expect(result.versionsBytesAdded).toBeGreaterThan(0);
  });
});
