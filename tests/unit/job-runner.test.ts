import { describe, expect, it } from "vitest";
import { JobRunner, SingleProcessLock, type JobLock } from "../../server/jobs/job-runner.server";

function recordingJob(log: string[], name: string) {
  return { name, start: () => log.push(`start ${name}`), stop: () => void log.push(`stop ${name}`) };
}

describe("the job runner", () => {
  it("runs every job on the process holding the lock, and stops them and gives the lock up at the end", async () => {
    const log: string[] = [];
    const lock = new SingleProcessLock();
    const released: boolean[] = [];
    const runner = new JobRunner({ acquire: () => lock.acquire(), release: async () => void released.push(true) });
    runner.add(recordingJob(log, "mail"));
    runner.add(recordingJob(log, "daily check"));
    expect(await runner.start()).toBe(true);
    await runner.stop();
    expect(log).toEqual(["start mail", "start daily check", "stop mail", "stop daily check"]);
    expect(released).toEqual([true]);
  });

  it("runs nothing on a process that does not hold the lock", async () => {
    const log: string[] = [];
    const heldElsewhere: JobLock = { acquire: async () => false, release: async () => undefined };
    const runner = new JobRunner(heldElsewhere);
    runner.add(recordingJob(log, "mail"));
    expect(await runner.start()).toBe(false);
    await runner.stop();
    expect(log).toEqual([]);
  });

  it("a job that fails to start leaves the others running", async () => {
    const log: string[] = [];
    const runner = new JobRunner(new SingleProcessLock());
    runner.add({
      name: "broken",
      start: () => {
        throw new Error("no");
      },
      stop: () => undefined,
    });
    runner.add(recordingJob(log, "mail"));
    await runner.start();
    expect(log).toEqual(["start mail"]);
  });
});
