import { runLoad, type LoadResult } from "./load/run-load";
import type { BenchServer } from "./servers";
import { percentile } from "./stats";

export interface Propagation {
  server: string;
  clients: number;
  p50: number;
  p95: number;
  p99: number;
  /** Share of expected arrivals that never came (within the run's drain time). */
  missingShare: number;
  /** The busiest load process's CPU share and event-loop p99: the check that clients kept up. */
  clientCpuShare: number;
  clientLoopDelayP99Ms: number;
  clockSkewMs: number;
}

export function summarise(server: BenchServer, load: LoadResult): Propagation {
  return {
    server: server.name,
    clients: load.clients,
    p50: percentile(load.latencies, 50),
    p95: percentile(load.latencies, 95),
    p99: percentile(load.latencies, 99),
    missingShare: load.expected === 0 ? 0 : load.missing / load.expected,
    clientCpuShare: Math.max(...load.processes.map((p) => p.cpuShare)),
    clientLoopDelayP99Ms: Math.max(...load.processes.map((p) => p.loopDelayP99Ms)),
    clockSkewMs: load.clockSkewMs,
  };
}

export async function measurePropagation(server: BenchServer, clients: number, seconds: number): Promise<Propagation> {
  return summarise(server, await runLoad(server, { clients, seconds }));
}

/**
 * Steps the number of clients up until p99 passes `limitMs` (or arrivals go missing), and
 * returns the largest count that stayed within it, with every step measured.
 */
export async function findCapacity(
  server: BenchServer,
  steps: number[],
  seconds: number,
  limitMs = 100,
): Promise<{ capacity: number; steps: Propagation[] }> {
  const measured: Propagation[] = [];
  let capacity = 0;
  for (const clients of steps) {
    const step = await measurePropagation(server, clients, seconds);
    measured.push(step);
    if (step.p99 > limitMs || step.missingShare > 0.01) break;
    capacity = clients;
  }
  return { capacity, steps: measured };
}
