import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { makeDatabase } from "./postgres";

const ROOT = resolve(import.meta.dirname, "../..");

export interface RunningServer {
  url: string;
  port: number;
  databasePath: string;
  /** The PostgreSQL database it keeps everything in, when the tests run on PostgreSQL. */
  databaseUrl?: string;
  process: ChildProcess;
  /** Everything the server has printed so far. */
  output(): string;
  /** Stops the server with a signal and waits for it to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function tempDatabasePath(): string {
  return join(mkdtempSync(join(tmpdir(), "coplan-test-")), "coplan.sqlite");
}

/**
 * Starts the real server (the built Remix app, our sync server, a real SQLite file) on a free
 * port, and resolves once it is listening.
 */
export async function startServer(
  options: {
    databasePath?: string;
    databaseUrl?: string;
    port?: number;
    env?: Record<string, string>;
    nodeArgs?: string[];
  } = {},
): Promise<RunningServer> {
  const databasePath = options.databasePath ?? tempDatabasePath();
  // The integration tier runs a second time on PostgreSQL (TEST_STORE=postgres): a server
  // started afresh gets a database of its own; one started again keeps its database.
  const databaseUrl =
    options.databaseUrl ??
    options.env?.DATABASE_URL ??
    (process.env.TEST_STORE === "postgres" && !options.databasePath ? (await makeDatabase()).url : undefined);
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), "--import", "tsx", "server/index.ts"], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(options.port ?? 0),
      DATABASE_PATH: databasePath,
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      SEED_DEMO: "1",
      // The tests read the log (the listening line first), whatever the caller's LOG_LEVEL.
      LOG_LEVEL: "info",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  return new Promise((resolvePromise, reject) => {
    const onData = () => {
      const match = /listening on http:\/\/localhost:(\d+)/.exec(output);
      if (!match) return;
      child.stdout!.off("data", onData);
      const port = Number(match[1]);
      resolvePromise({
        url: `http://localhost:${port}`,
        port,
        databasePath,
        databaseUrl,
        process: child,
        output: () => output,
        stop: (signal = "SIGTERM") => stopProcess(child, signal),
      });
    };
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once("exit", (code) => reject(new Error(`server exited with ${code} before listening:\n${output}`)));
  });
}

function stopProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolvePromise) => {
    child.once("exit", () => resolvePromise());
    child.kill(signal);
  });
}
