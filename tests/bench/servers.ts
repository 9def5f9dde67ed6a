import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { demoPlanId, signIn } from "../support/http";
import { startServer, type RunningServer } from "../support/server";
import type { ServerTarget } from "./load/protocol";

const ROOT = resolve(import.meta.dirname, "../..");

/** A server under test, as the load clients see it. */
export interface BenchServer extends ServerTarget {
  name: string;
  /** Coplan's HTTP origin, for benchmarks that also use its API. */
  httpUrl?: string;
  /** The server's SQLite file, for the servers that store to one. */
  databasePath?: string;
  pid: number;
  /** Everything the server has printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/** Every server process a benchmark has started and not yet stopped. */
const running = new Set<number>();

/** Kills every server still running, for a benchmark that is itself being stopped. */
export function killRunningServers(): void {
  for (const pid of running) process.kill(pid, "SIGKILL");
  running.clear();
}

/** Counts a process started elsewhere (a cluster's) among those `killRunningServers` kills. */
export function trackProcess(pid: number): () => void {
  running.add(pid);
  return () => running.delete(pid);
}

function tracked(server: BenchServer): BenchServer {
  running.add(server.pid);
  return {
    ...server,
    stop: async () => {
      await server.stop();
      running.delete(server.pid);
    },
  };
}

export const COPLAN = "Coplan";
export const STOCK = "y-websocket (stock)";
export const HOCUSPOCUS = "Hocuspocus";

/** Coplan as users run it: auth, durable SQLite persistence, the demo plan. */
export async function startCoplan(
  options: { databasePath?: string; env?: Record<string, string>; nodeArgs?: string[] } = {},
): Promise<BenchServer> {
  // Hundreds of clients of one user from one address, and a hundred generated plans.
  const loadTest = {
    MAX_CONNECTIONS_PER_ADDRESS: "100000",
    MAX_WEBSOCKETS_PER_USER: "100000",
    CREATE_RATE_LIMITS: "0",
  };
  const server: RunningServer = await startServer({ ...options, env: { ...loadTest, ...options.env } });
  const cookie = await signIn(server.url, "owner@swindon.example");
  return tracked({
    name: COPLAN,
    protocol: "y-websocket",
    wsUrl: `${server.url.replace(/^http/, "ws")}/collab`,
    room: await demoPlanId(server.url, cookie),
    cookie,
    httpUrl: server.url,
    databasePath: server.databasePath,
    pid: server.process.pid!,
    output: server.output,
    stop: () => server.stop(),
  });
}

/** The stock @y/websocket-server, in its own process like Coplan. */
export async function startStockYWebsocket(): Promise<BenchServer> {
  const { child, port, output } = await startReference("stock-y-websocket.ts", []);
  return tracked({
    name: STOCK,
    protocol: "y-websocket",
    wsUrl: `ws://localhost:${port}`,
    room: "bench-plan",
    pid: child.pid!,
    output,
    stop: () => stopChild(child),
  });
}

/** Hocuspocus with its SQLite extension, in its own process, on a fresh database file. */
export async function startHocuspocus(options: { databasePath?: string } = {}): Promise<BenchServer> {
  const databasePath =
    options.databasePath ?? join(mkdtempSync(join(tmpdir(), "coplan-bench-hocuspocus-")), "documents.sqlite");
  const { child, port, output } = await startReference("hocuspocus.ts", [databasePath]);
  return tracked({
    name: HOCUSPOCUS,
    protocol: "hocuspocus",
    wsUrl: `ws://127.0.0.1:${port}`,
    room: "bench-plan",
    databasePath,
    pid: child.pid!,
    output,
    stop: () => stopChild(child),
  });
}

async function startReference(script: string, args: string[]) {
  const child = spawn(process.execPath, ["--import", "tsx", `tests/bench/reference-servers/${script}`, "0", ...args], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  const collect = (chunk: Buffer) => {
    text += chunk.toString();
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  const port = await new Promise<number>((resolvePort, reject) => {
    const onData = () => {
      const match = /listening on http:\/\/localhost:(\d+)/.exec(text);
      if (!match) return;
      child.stdout!.off("data", onData);
      resolvePort(Number(match[1]));
    };
    child.stdout!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`reference server exited with ${code}: ${text}`)));
  });
  return { child, port, output: () => text };
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((done) => {
    child.once("exit", () => done());
    child.kill(signal);
  });
}
