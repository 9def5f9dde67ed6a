import { randomUUID } from "node:crypto";
import type { Redis } from "../cluster/redis.server";
import type { JobLock } from "./job-runner.server";

/** Takes the key if free, or extends it if this holder has it; 1 when held afterwards. */
const TAKE_OR_RENEW = `
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
elseif redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return 1
end
return 0`;

const RELEASE = `
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0`;

/**
 * The job lock of several processes: a Redis key naming its holder, with an expiry the holder
 * renews. A holder that cannot reach Redis counts itself the holder only until the expiry it
 * last set would have passed by its own clock (measured from before it asked), so that it has
 * stopped its jobs before any other process can take the key.
 */
export class RedisJobLock implements JobLock {
  readonly renewEveryMs: number;
  private heldUntil = 0;

  constructor(
    private readonly client: Redis,
    private readonly key: string,
    private readonly ttlMs = 10_000,
    private readonly holder = randomUUID(),
  ) {
    this.renewEveryMs = Math.floor(ttlMs / 3);
  }

  async acquire(): Promise<boolean> {
    const asked = Date.now();
    try {
      const held =
        (await this.client.eval(TAKE_OR_RENEW, { keys: [this.key], arguments: [this.holder, String(this.ttlMs)] })) ===
        1;
      this.heldUntil = held ? asked + this.ttlMs : 0;
      return held;
    } catch {
      return Date.now() < this.heldUntil - this.renewEveryMs;
    }
  }

  async release(): Promise<void> {
    this.heldUntil = 0;
    await this.client.eval(RELEASE, { keys: [this.key], arguments: [this.holder] }).catch(() => {});
  }
}
