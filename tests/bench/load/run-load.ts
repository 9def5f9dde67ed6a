import { fork, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";
import { sectionFragmentName } from "../../../app/shared/doc-names";
import {
  now,
  type FromLoadProcess,
  type LoadClientSpec,
  type LoadProcessResult,
  type ServerTarget,
  type ToLoadProcess,
} from "./protocol";

const CLIENT_PROCESS = resolve(import.meta.dirname, "client-process.ts");
/** The section every typer types into; any text section of the plan would do. */
export const LOAD_SECTION = sectionFragmentName("customer-insight");

export interface LoadOptions {
  clients: number;
  seconds: number;
  warmupSeconds?: number;
  /** How many of the clients type; a tenth of them (at least one) unless given. */
  typers?: number;
  /** Told when the clients, all connected, start acting and when every process has reported. */
  onRun?: (phase: "start" | "end") => void;
}

export interface LoadResult {
  clients: number;
  /** Edit-to-arrival times in ms, one per (typed character, other client) pair. */
  latencies: number[];
  /** Arrivals expected (typed characters x other clients) and how many were missing. */
  expected: number;
  missing: number;
  /** Bytes of the Yjs updates the typers made. */
  sentBytes: number;
  /** Messages every client sent over the whole run, warm-up included. */
  actions: number;
  processes: { clients: number; cpuShare: number; loopDelayP99Ms: number }[];
  /** Largest clock difference between this process and a load process, ms (IPC-bounded). */
  clockSkewMs: number;
}

/** Enough processes that clients are not starved of CPU, never more than the machine can run. */
function processCount(clients: number): number {
  return Math.min(clients, Math.max(2, Math.ceil(clients / 150)));
}

/**
 * Puts `clients` simulated users on one plan of `target` for `seconds` (after a warm-up), from
 * separate load processes, and returns how long each typed character took to reach every other
 * client.
 */
export async function runLoad(target: ServerTarget, options: LoadOptions): Promise<LoadResult> {
  const typers = options.typers ?? Math.max(1, Math.round(options.clients / 10));
  const specs: LoadClientSpec[] = Array.from({ length: options.clients }, (_, index) => ({
    index,
    // Every tenth client types; the typers are spread over the processes like everyone else.
    role: index % Math.ceil(options.clients / typers) === 0 ? "typer" : "cursor",
  }));
  const count = processCount(options.clients);
  const children = Array.from({ length: count }, () => new LoadProcess());
  try {
    await Promise.all(
      children.map((child, i) =>
        child.request(
          { type: "connect", target, section: LOAD_SECTION, clients: specs.filter((_, j) => j % count === i) },
          "connected",
        ),
      ),
    );
    let clockSkewMs = 0;
    for (const child of children) clockSkewMs = Math.max(clockSkewMs, await child.clockSkew());
    options.onRun?.("start");
    const results = await Promise.all(
      children.map((child) =>
        child.request({ type: "run", seconds: options.seconds, warmupSeconds: options.warmupSeconds ?? 1 }, "result"),
      ),
    );
    options.onRun?.("end");
    return summarise(
      results.map((r) => r.result),
      options.clients,
      clockSkewMs,
    );
  } finally {
    await Promise.all(children.map((child) => child.exit()));
  }
}

function summarise(results: LoadProcessResult[], clients: number, clockSkewMs: number): LoadResult {
  const received = new Map<string, number[]>();
  for (const result of results) {
    for (const [key, times] of Object.entries(result.received)) {
      const all = received.get(key);
      if (all) all.push(...times);
      else received.set(key, [...times]);
    }
  }
  const latencies: number[] = [];
  let expected = 0;
  for (const result of results) {
    for (const [key, sentAt] of result.sent) {
      expected += clients - 1;
      for (const at of received.get(key) ?? []) latencies.push(at - sentAt);
    }
  }
  return {
    clients,
    latencies,
    expected,
    missing: expected - latencies.length,
    sentBytes: results.reduce((sum, r) => sum + r.sentBytes, 0),
    actions: results.reduce((sum, r) => sum + r.actions, 0),
    processes: results.map(({ clients, cpuShare, loopDelayP99Ms }) => ({ clients, cpuShare, loopDelayP99Ms })),
    clockSkewMs,
  };
}

/** One forked load process, spoken to one request at a time. */
class LoadProcess {
  private readonly child: ChildProcess = fork(CLIENT_PROCESS, [], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });

  request<T extends FromLoadProcess["type"]>(
    message: ToLoadProcess,
    replyType: T,
  ): Promise<Extract<FromLoadProcess, { type: T }>> {
    return new Promise((resolvePromise, reject) => {
      const onMessage = (reply: FromLoadProcess) => {
        if (reply.type !== replyType && reply.type !== "error") return;
        cleanup();
        if (reply.type === "error") reject(new Error(`load process: ${reply.message}`));
        else resolvePromise(reply as Extract<FromLoadProcess, { type: T }>);
      };
      const onExit = (code: number | null) => {
        cleanup();
        reject(new Error(`load process exited with ${code}`));
      };
      const cleanup = () => {
        this.child.off("message", onMessage);
        this.child.off("exit", onExit);
      };
      this.child.on("message", onMessage);
      this.child.once("exit", onExit);
      this.child.send(message);
    });
  }

  /**
   * How far the process's clock can be from ours: the offset at the midpoint of the quickest of
   * several round trips, plus half that round trip.
   */
  async clockSkew(): Promise<number> {
    let best = { roundTrip: Infinity, skew: Infinity };
    for (let i = 0; i < 10; i++) {
      const before = now();
      const reply = await this.request({ type: "clock" }, "clock");
      const after = now();
      if (after - before < best.roundTrip) {
        best = { roundTrip: after - before, skew: Math.abs(reply.now - (before + after) / 2) + (after - before) / 2 };
      }
    }
    return best.skew;
  }

  exit(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    return new Promise((done) => {
      const kill = setTimeout(() => this.child.kill("SIGKILL"), 5000);
      this.child.once("exit", () => {
        clearTimeout(kill);
        done();
      });
      this.child.send({ type: "exit" } satisfies ToLoadProcess);
    });
  }
}
