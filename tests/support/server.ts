import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../..");

export interface RunningServer {
  url: string;
  port: number;
  databasePath: string;
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
export function startServer(
  options: { databasePath?: string; port?: number; env?: Record<string, string>; nodeArgs?: string[] } = {},
): Promise<RunningServer> {
  const databasePath = options.databasePath ?? tempDatabasePath();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), "--import", "tsx", "server/index.ts"], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(options.port ?? 0),
      DATABASE_PATH: databasePath,
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
