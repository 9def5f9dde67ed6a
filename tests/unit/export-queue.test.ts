import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { ExportQueue, type ExportQueueOptions } from "../../server/pdf/export-queue.server";
import type { FixtureJob } from "../support/export-worker";

const WORKER = fileURLToPath(new URL("../support/export-worker.ts", import.meta.url));
const queues: ExportQueue[] = [];
afterEach(async () => {
  await Promise.all(queues.splice(0).map((queue) => queue.close()));
});

function queue(options: Partial<ExportQueueOptions> = {}) {
  const created = new ExportQueue({
    workerFile: WORKER,
    workers: 1,
    queueSize: 2,
    timeoutMs: 60_000,
    memoryMb: 64,
    perUserPerMinute: 20,
    ...options,
  });
  queues.push(created);
  return created;
}

function gate() {
  const buffer = new SharedArrayBuffer(4);
  return {
    buffer,
    open() {
      Atomics.store(new Int32Array(buffer), 0, 1);
      Atomics.notify(new Int32Array(buffer), 0);
    },
  };
}

const run = (exports: ExportQueue, user: string, job: FixtureJob, plan = "plan-1") =>
  exports.run<FixtureJob, string>(user, plan, () => job);

describe("the PDF export queue", () => {
  it("takes one export at a time per person, first come first served, and refuses past a full line with a time to retry", async () => {
    const exports = queue({ workers: 1, queueSize: 2 });
    const held = gate();
    const first = run(exports, "alice", { kind: "hold", gate: held.buffer, value: "alice's" });
    expect(exports.status("alice").mine).toEqual([{ planId: "plan-1", state: "running", ahead: 0 }]);

    const again = await run(exports, "alice", { kind: "echo", value: "second" }, "plan-2");
    expect(again).toMatchObject({ ok: false, reason: "busy" });
    expect(again.ok === false && "retryAfterSeconds" in again && again.retryAfterSeconds).toBeGreaterThanOrEqual(1);

    const second = run(exports, "bob", { kind: "echo", value: "bob's" });
    const third = run(exports, "carol", { kind: "echo", value: "carol's" });
    expect(exports.status("carol")).toEqual({
      workers: 1,
      running: 1,
      waiting: 2,
      queueSize: 2,
      mine: [{ planId: "plan-1", state: "waiting", ahead: 2 }],
    });
    const refused = await run(exports, "dave", { kind: "echo", value: "dave's" });
    expect(refused).toMatchObject({ ok: false, reason: "queue-full" });
    expect(refused.ok === false && "retryAfterSeconds" in refused && refused.retryAfterSeconds).toBeGreaterThanOrEqual(
      1,
    );
    expect(refused.ok === false && refused.error).toMatch(/busy with 3 other PDF exports/);

    held.open();
    const finished: string[] = [];
    await Promise.all(
      [first, second, third].map(async (outcome) => {
        const result = await outcome;
        if (result.ok) finished.push(result.result);
      }),
    );
    expect(finished).toEqual(["alice's", "bob's", "carol's"]);
    expect(exports.status("alice")).toMatchObject({ running: 0, waiting: 0, mine: [] });
    expect(await run(exports, "dave", { kind: "echo", value: "now" })).toEqual({ ok: true, result: "now" });
  });

  it("lets one person start only so many exports a minute", async () => {
    let now = 1_000_000;
    const exports = queue({ perUserPerMinute: 3, now: () => now });
    for (let i = 0; i < 3; i++) {
      expect(await run(exports, "erin", { kind: "echo", value: `${i}` })).toEqual({ ok: true, result: `${i}` });
      now += 10_000;
    }
    const refused = await run(exports, "erin", { kind: "echo", value: "fourth" });
    expect(refused).toMatchObject({ ok: false, reason: "too-many", retryAfterSeconds: 30 });
    expect(await run(exports, "frank", { kind: "echo", value: "someone else" })).toEqual({
      ok: true,
      result: "someone else",
    });
    now += 30_001;
    expect(await run(exports, "erin", { kind: "echo", value: "fourth" })).toEqual({ ok: true, result: "fourth" });
  });

  it("stops an export that runs past its time, and fails one whose worker exits or runs out of memory, each alone; the next export runs", async () => {
    // Long enough for a fresh worker to start on a busy machine; the loop never ends anyway.
    const exports = queue({ timeoutMs: 5000, memoryMb: 32 });
    expect(await run(exports, "gina", { kind: "loop" })).toMatchObject({
      ok: false,
      reason: "timeout",
      error: expect.stringMatching(/longer than 5 s/),
    });
    expect(await run(exports, "gina", { kind: "echo", value: "after the timeout" })).toEqual({
      ok: true,
      result: "after the timeout",
    });
    expect(await run(exports, "gina", { kind: "exit" })).toMatchObject({ ok: false, reason: "crashed" });
    expect(await run(exports, "gina", { kind: "echo", value: "after the exit" })).toEqual({
      ok: true,
      result: "after the exit",
    });
    expect(await run(exports, "gina", { kind: "hog" })).toMatchObject({ ok: false, reason: "crashed" });
    expect(await run(exports, "gina", { kind: "echo", value: "after running out of memory" })).toEqual({
      ok: true,
      result: "after running out of memory",
    });
  });
});
