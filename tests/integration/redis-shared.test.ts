import { randomBytes } from "node:crypto";
import { afterAll, afterEach, describe, expect, inject, it } from "vitest";
import { connectRedis, disconnectRedis, type Redis } from "../../server/cluster/redis.server";
import type { BusEvent } from "../../server/events/event-bus.server";
import { RedisEventBus } from "../../server/events/redis-event-bus.server";
import { JobRunner } from "../../server/jobs/job-runner.server";
import { RedisJobLock } from "../../server/jobs/redis-job-lock.server";
import { RedisLimitStore } from "../../server/limit-store.server";
import { startRedis, type RedisInstance } from "../support/redis-instance";

/** Keys and channels of this run only, on the tests' shared Redis. */
const prefix = () => `coplan-test-${randomBytes(4).toString("hex")}:`;
const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function bus(url: string, channel: string): Promise<{ bus: RedisEventBus; seen: BusEvent[] }> {
  const opened = await RedisEventBus.open(url, channel);
  cleanups.push(() => opened.close());
  const seen: BusEvent[] = [];
  opened.subscribe("plan-indexed", (event) => seen.push(event));
  return { bus: opened, seen };
}

async function client(url: string): Promise<Redis> {
  const connected = await connectRedis(url, "test");
  cleanups.push(() => disconnectRedis(connected));
  return connected;
}

describe("the event bus across processes", () => {
  it("tells this process's listeners at once, once, and another process's through Redis", async () => {
    const channel = `${prefix()}events`;
    const a = await bus(inject("redisUrl"), channel);
    const b = await bus(inject("redisUrl"), channel);
    a.bus.publish({ type: "plan-indexed", planId: "p1" });
    expect(a.seen).toEqual([{ type: "plan-indexed", planId: "p1" }]);
    await expect.poll(() => b.seen).toEqual([{ type: "plan-indexed", planId: "p1" }]);
    b.bus.publish({ type: "plan-indexed", planId: "p2" });
    await expect.poll(() => a.seen).toHaveLength(2);
    expect(a.seen[1]).toEqual({ type: "plan-indexed", planId: "p2" });
    expect(b.seen).toHaveLength(2);
  });

  it("drops a message on its channel that is not an event, and goes on", async () => {
    const channel = `${prefix()}events`;
    const a = await bus(inject("redisUrl"), channel);
    const raw = await client(inject("redisUrl"));
    await raw.publish(channel, "not json");
    await raw.publish(channel, JSON.stringify({ origin: "x", event: { planId: "p" } }));
    await raw.publish(channel, JSON.stringify({ origin: "x", event: { type: "plan-indexed", planId: "p3" } }));
    await expect.poll(() => a.seen).toEqual([{ type: "plan-indexed", planId: "p3" }]);
  });
});

describe("while Redis is down", () => {
  let redis: RedisInstance;
  afterAll(() => redis?.stop());

  it("publishes without failing, keeps local listeners, and delivers again once it is back", async () => {
    redis = await startRedis();
    const channel = `${prefix()}events`;
    const a = await bus(redis.url, channel);
    const b = await bus(redis.url, channel);
    await redis.stop();
    a.bus.publish({ type: "plan-indexed", planId: "while-down" });
    expect(a.seen).toEqual([{ type: "plan-indexed", planId: "while-down" }]);
    await redis.start();
    // Subscriptions come back by themselves; events published from then on arrive.
    await expect
      .poll(
        () => {
          a.bus.publish({ type: "plan-indexed", planId: "after" });
          return b.seen.some((event) => event.type === "plan-indexed" && event.planId === "after");
        },
        { interval: 200 },
      )
      .toBe(true);
  });

  it("limits each process by itself rather than letting everything through", async () => {
    redis = await startRedis();
    const limiter = new RedisLimitStore(await client(redis.url), prefix()).rateCounter({ points: 2, duration: 60 });
    await redis.stop();
    await limiter.consume("someone");
    await limiter.consume("someone");
    await expect(limiter.consume("someone")).rejects.toMatchObject({ remainingPoints: 0 });
  });
});

describe("rate limits shared in Redis", () => {
  it("count one person's actions on every process together", async () => {
    const keys = prefix();
    const options = { keyPrefix: "signoff", points: 3, duration: 60 };
    const onA = new RedisLimitStore(await client(inject("redisUrl")), keys).rateCounter(options);
    const onB = new RedisLimitStore(await client(inject("redisUrl")), keys).rateCounter(options);
    await onA.consume("ann");
    await onB.consume("ann");
    await onA.consume("ann");
    await expect(onB.consume("ann")).rejects.toMatchObject({ remainingPoints: 0 });
    await onB.consume("bob");
  });
});

describe("the background-job lock in Redis", () => {
  function runner(redis: Redis, key: string, started: string[], name: string, ttlMs = 600) {
    const jobs = new JobRunner(new RedisJobLock(redis, key, ttlMs));
    jobs.add({
      name: "mail",
      start: () => started.push(`${name} started`),
      stop: () => void started.push(`${name} stopped`),
    });
    return jobs;
  }

  it("runs the jobs on one process; another takes them over when it stops", async () => {
    const key = `${prefix()}jobs`;
    const started: string[] = [];
    const first = runner(await client(inject("redisUrl")), key, started, "first");
    const second = runner(await client(inject("redisUrl")), key, started, "second");
    cleanups.push(
      () => first.stop(),
      () => second.stop(),
    );
    expect(await first.start()).toBe(true);
    expect(await second.start()).toBe(false);
    expect(started).toEqual(["first started"]);
    await first.stop();
    await expect.poll(() => second.holding).toBe(true);
    expect(started).toEqual(["first started", "first stopped", "second started"]);
  });

  it("lets another process take them once a holder that vanished without a word has expired, and not before", async () => {
    const key = `${prefix()}jobs`;
    const started: string[] = [];
    const vanishing = await connectRedis(inject("redisUrl"), "test");
    const first = runner(vanishing, key, started, "first", 1500);
    const second = runner(await client(inject("redisUrl")), key, started, "second", 1500);
    cleanups.push(() => second.stop());
    await first.start();
    await second.start();
    disconnectRedis(vanishing);
    const vanishedAt = Date.now();
    await expect.poll(() => second.holding, { timeout: 5000 }).toBe(true);
    expect(Date.now() - vanishedAt).toBeGreaterThanOrEqual(500);
    // The vanished holder could not renew: by its own clock it stopped its jobs before the key expired.
    await expect.poll(() => first.holding).toBe(false);
    await first.stop();
  });
});
