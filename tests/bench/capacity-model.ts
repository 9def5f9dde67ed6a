import { readdirSync, readFileSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { runLoad } from "./load/run-load";
import { startCoplan } from "./servers";

/** What each client sends a second in the load's design: a tenth type 5 characters, the rest move a cursor twice. */
export const MESSAGES_PER_CLIENT_PER_SECOND = 0.1 * 5 + 0.9 * 2;

export interface CapacityStep {
  clients: number;
  /** Server CPU seconds (user + system) per second of load. */
  cpuPerSecond: number;
  /** Messages the server passed on a second: each incoming one to every other client. */
  relayedPerSecond: number;
  p99Ms: number;
  /** Where the server's CPU went, by self time, as shares of the profile's busy samples. */
  hotspots: { name: string; share: number }[];
}

export interface CapacityModel {
  steps: CapacityStep[];
  /** CPU seconds a second the server spends whatever the load (timers, the profiler itself). */
  fixed: number;
  /** CPU seconds per connected client per second (receiving and applying its own messages). */
  perClient: number;
  /** CPU seconds per relayed message. */
  perRelayed: number;
  /** The step left out of the fit, and the model's prediction for it. */
  check: { clients: number; measured: number; predicted: number };
  /** Clients one plan holds while its one event loop stays below `utilisation` of a core. */
  clientsPerPlan: number;
  utilisation: number;
}

const ROOT = resolve(import.meta.dirname, "../..");

/**
 * Loads one plan with each number of clients on a freshly started server that records a CPU
 * profile, reads the server's own CPU time over the load from /proc, and fits
 * `cpu = fixed + perClient * N + perRelayed * relayed` to all steps but the largest, which checks
 * the fit.
 */
export async function measureCapacityModel(
  steps: number[],
  seconds: number,
  utilisation = 0.7,
): Promise<CapacityModel> {
  const measured: CapacityStep[] = [];
  for (const clients of steps) {
    const profileDir = mkdtempSync(join(tmpdir(), "coplan-profile-"));
    const server = await startCoplan({ nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] });
    let cpuAtStart = 0;
    let cpuAtEnd = 0;
    const window = { from: 0, to: 0 };
    const warmupSeconds = 1;
    const load = await runLoad(server, {
      clients,
      seconds,
      warmupSeconds,
      onRun: (phase) => {
        if (phase === "start") {
          cpuAtStart = processCpuSeconds(server.pid);
          window.from = monotonicMicros();
        } else {
          cpuAtEnd = processCpuSeconds(server.pid);
          window.to = monotonicMicros();
        }
      },
    });
    await server.stop();
    const latencies = [...load.latencies].sort((a, b) => a - b);
    measured.push({
      clients,
      cpuPerSecond: (cpuAtEnd - cpuAtStart) / (seconds + warmupSeconds),
      relayedPerSecond: (load.actions * (clients - 1)) / (seconds + warmupSeconds),
      p99Ms: latencies[Math.floor(latencies.length * 0.99)] ?? Number.NaN,
      hotspots: hotspots(profileDir, window),
    });
  }
  const fitted = measured.slice(0, -1);
  const checkStep = measured.at(-1)!;
  const [fixed, perClient, perRelayed] = leastSquares(
    fitted.map((s) => [1, s.clients, s.relayedPerSecond]),
    fitted.map((s) => s.cpuPerSecond),
  ) as [number, number, number];
  return {
    steps: measured,
    fixed,
    perClient,
    perRelayed,
    check: {
      clients: checkStep.clients,
      measured: checkStep.cpuPerSecond,
      predicted: perClient * checkStep.clients + perRelayed * checkStep.relayedPerSecond,
    },
    clientsPerPlan: clientsWithin(utilisation - fixed, perClient, perRelayed),
    utilisation,
  };
}

/** The largest n with perClient * n + perRelayed * relayed(n) <= budget: the quadratic's root. */
function clientsWithin(budget: number, perClient: number, perRelayed: number): number {
  const quadratic = perRelayed * MESSAGES_PER_CLIENT_PER_SECOND;
  if (quadratic <= 0) return perClient > 0 ? Math.floor(budget / perClient) : Number.POSITIVE_INFINITY;
  const linear = perClient - quadratic;
  return Math.floor((-linear + Math.sqrt(linear * linear + 4 * quadratic * budget)) / (2 * quadratic));
}

/** utime + stime of a process, in seconds (Linux). */
function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticksPerSecond = 100;
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

/** Least squares: solves the normal equations (XᵀX) c = Xᵀy by Gaussian elimination. */
function leastSquares(rows: number[][], ys: number[]): number[] {
  const width = rows[0]!.length;
  const system = Array.from({ length: width }, (_, i) => [
    ...Array.from({ length: width }, (_, j) => rows.reduce((sum, row) => sum + row[i]! * row[j]!, 0)),
    rows.reduce((sum, row, k) => sum + row[i]! * ys[k]!, 0),
  ]);
  for (let col = 0; col < width; col++) {
    const pivot = system[col]!;
    for (let row = col + 1; row < width; row++) {
      const factor = system[row]![col]! / pivot[col]!;
      for (let k = col; k <= width; k++) system[row]![k]! -= factor * pivot[k]!;
    }
  }
  const solution = new Array<number>(width).fill(0);
  for (let row = width - 1; row >= 0; row--) {
    let rest = system[row]![width]!;
    for (let k = row + 1; k < width; k++) rest -= system[row]![k]! * solution[k]!;
    solution[row] = rest / system[row]![row]!;
  }
  return solution;
}

/**
 * CLOCK_MONOTONIC in microseconds: the clock V8 stamps profile samples with, the same in every
 * process on this machine, so the server's samples can be cut to the load's window.
 */
function monotonicMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/**
 * The main thread's profile (the largest file) within the load's window, by self time, top ten,
 * idle left out.
 */
function hotspots(profileDir: string, window: { from: number; to: number }): { name: string; share: number }[] {
  const file = readdirSync(profileDir).find((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f));
  if (!file) return [];
  const main = JSON.parse(readFileSync(join(profileDir, file), "utf8")) as CpuProfile;
  const nameOf = new Map(
    main.nodes.map((node) => {
      const { functionName, url, lineNumber } = node.callFrame;
      const file = url.startsWith("file://") ? relative(ROOT, new URL(url).pathname) : url;
      return [node.id, file ? `${functionName || "(anonymous)"} ${file}:${lineNumber + 1}` : functionName];
    }),
  );
  const counts = new Map<string, number>();
  let busy = 0;
  let at = main.startTime;
  for (const [i, id] of main.samples.entries()) {
    at += main.timeDeltas[i] ?? 0;
    if (at < window.from || at > window.to) continue;
    const name = nameOf.get(id) ?? "?";
    if (name === "(idle)") continue;
    busy++;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 10)
    .map(([name, count]) => ({ name, share: count / busy }));
}
