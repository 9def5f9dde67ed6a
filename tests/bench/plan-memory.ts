import { readFileSync } from "node:fs";
import { connectClient } from "./load/connect";
import { createGeneratedPlan, storedPlanBytes } from "./generated-plan";
import { startCoplan, type BenchServer } from "./servers";

const IDLE_UNLOAD_SECONDS = 3;

function residentBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(match![1]) * 1024;
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

export interface PlanMemory {
  plans: number;
  storedBytesPerPlan: number;
  residentBytesPerPlan: number;
  /** Resident memory per open plan over its stored size. */
  ratio: number;
  unloaded: number;
  residentAfterUnloadBytes: number;
  baselineResidentBytes: number;
}

/**
 * Opens `plans` generated plans of `pages` pages on a freshly started Coplan, one client each,
 * and compares the server's resident memory growth with what the plans take on disk; then closes
 * every client and counts the plans the server unloads once idle.
 */
export async function measurePlanMemory(plans: number, pages: number): Promise<PlanMemory> {
  const env = { COLLAB_IDLE_UNLOAD_SECONDS: String(IDLE_UNLOAD_SECONDS) };
  const setup = await startCoplan({ env });
  const ids: string[] = [];
  for (let i = 0; i < plans; i++) ids.push(await createGeneratedPlan(setup, pages, 1000 + i));
  await setup.stop();

  const server: BenchServer = await startCoplan({ databasePath: setup.databasePath, env });
  try {
    await sleep(1000);
    const baseline = residentBytes(server.pid);
    const clients = [];
    for (const id of ids) {
      const client = connectClient({ ...server, room: id });
      await client.synced;
      clients.push(client);
    }
    await sleep(1000);
    const open = residentBytes(server.pid);
    const stored = ids.reduce((sum, id) => sum + storedPlanBytes(server.databasePath!, id), 0);
    for (const client of clients) client.destroy();
    const unloadedLines = () => (server.output().match(/plan \S+ unloaded/g) ?? []).length;
    for (let waited = 0; unloadedLines() < plans && waited < (IDLE_UNLOAD_SECONDS + 20) * 1000; waited += 250)
      await sleep(250);
    await sleep(1000);
    return {
      plans,
      storedBytesPerPlan: stored / plans,
      residentBytesPerPlan: (open - baseline) / plans,
      ratio: (open - baseline) / stored,
      unloaded: unloadedLines(),
      residentAfterUnloadBytes: residentBytes(server.pid),
      baselineResidentBytes: baseline,
    };
  } finally {
    await server.stop();
  }
}
