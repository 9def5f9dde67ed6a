import { spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";
import { demoPlanId, signIn } from "../support/http";
import { startServer } from "../support/server";

const ROOT = resolve(import.meta.dirname, "../..");

/** A server under test, as the load clients see it. */
export interface BenchServer {
  name: string;
  /** The URL and room a y-websocket provider is given. */
  wsUrl: string;
  room: string;
  cookie?: string;
  /** Coplan's HTTP origin, for benchmarks that also use its API. */
  httpUrl?: string;
  pid: number;
  stop(): Promise<void>;
}

/** Coplan as users run it: auth, durable SQLite persistence, the demo plan. */
export async function startCoplan(): Promise<BenchServer> {
  const server = await startServer();
  const cookie = await signIn(server.url, "owner@swindon.example");
  return {
    name: "Coplan",
    wsUrl: `${server.url.replace(/^http/, "ws")}/collab`,
    room: await demoPlanId(server.url, cookie),
    cookie,
    httpUrl: server.url,
    pid: server.process.pid!,
    stop: () => server.stop(),
  };
}

/** The stock @y/websocket-server, in its own process like Coplan. */
export async function startStockYWebsocket(): Promise<BenchServer> {
  const child = spawn(process.execPath, ["--import", "tsx", "tests/bench/reference-servers/stock-y-websocket.ts", "0"], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await listeningPort(child);
  return {
    name: "y-websocket (stock)",
    wsUrl: `ws://localhost:${port}`,
    room: "bench-plan",
    pid: child.pid!,
    stop: () =>
      new Promise<void>((done) => {
        child.once("exit", () => done());
        child.kill("SIGTERM");
      }),
  };
}

function listeningPort(child: ChildProcess): Promise<number> {
  return new Promise((resolvePort, reject) => {
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on http:\/\/localhost:(\d+)/.exec(output);
      if (match) resolvePort(Number(match[1]));
    });
    child.once("exit", (code) => reject(new Error(`reference server exited with ${code}: ${output}`)));
  });
}
