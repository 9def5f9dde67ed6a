import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");

function runFault(kind: "exception" | "rejection") {
  const child = spawnSync(process.execPath, ["--import", "tsx", "tests/support/uncaught-fault.ts", kind], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: "info" },
    encoding: "utf8",
    timeout: 30_000,
  });
  const lines = child.stdout
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { status: child.status, lines };
}

describe("faults nothing caught", () => {
  it("an uncaught exception is logged as fatal, with the error and where it surfaced, and the process exits 1", () => {
    const { status, lines } = runFault("exception");
    expect(status).toBe(1);
    expect(lines.at(-1)).toMatchObject({
      level: 60,
      msg: "uncaught exception: stopping",
      origin: "uncaughtException",
      err: { type: "Error", message: "a timer that threw", stack: expect.stringContaining("uncaught-fault.ts") },
    });
  });

  it("an unhandled rejection is logged as fatal with its reason, and the process exits 1", () => {
    const { status, lines } = runFault("rejection");
    expect(status).toBe(1);
    expect(lines.at(-1)).toMatchObject({
      level: 60,
      msg: "unhandled promise rejection: stopping",
      err: { message: "a promise nobody awaited" },
    });
  });
});
