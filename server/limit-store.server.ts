import type { EventEmitter } from "node:events";
import {
  RateLimiterMemory,
  RateLimiterRedis,
  type IRateLimiterOptions,
  type RateLimiterAbstract,
} from "rate-limiter-flexible";
import type { Redis } from "./cluster/redis.server";

/** How many of something one key (a user, an address) holds open now, up to a cap. */
export interface SlotCounter {
  /**
   * Takes a slot for `key` until `holder` (a socket, a response) closes; false at the cap. The
   * count is checked and raised in one step, so a burst cannot all slip under the cap.
   */
  take(key: string, holder: EventEmitter): Promise<boolean>;
}

/**
 * Where rate limits and connection caps keep their counts: in memory for one process, in Redis
 * for several serving the same plans, with the callers unchanged.
 */
export interface LimitStore {
  /** A counter of actions per key over a window (rate-limiter-flexible, which has shared stores too). */
  rateCounter(options: IRateLimiterOptions): RateLimiterAbstract;
  /** Open connections per key, at most `max`. */
  slots(max: number): SlotCounter;
}

export class MemoryLimitStore implements LimitStore {
  rateCounter(options: IRateLimiterOptions): RateLimiterAbstract {
    return new RateLimiterMemory(options);
  }

  slots(max: number): SlotCounter {
    const counter = new ConnectionCounter(max);
    return { take: async (key, holder) => counter.tryTake(key, holder) };
  }
}

/**
 * Counts open connections per key in this process and refuses one past the cap. A slot is taken
 * synchronously and given back when its holder closes, so nothing is left behind when they end.
 * Also used on its own where the count must be decided before a socket's first byte is read.
 */
export class ConnectionCounter {
  private readonly open = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** Takes a slot for `key` until `holder` (a socket, a response) closes; false at the cap. */
  tryTake(key: string, holder: EventEmitter): boolean {
    const count = this.open.get(key) ?? 0;
    if (count >= this.max) return false;
    this.open.set(key, count + 1);
    holder.once("close", () => {
      const left = (this.open.get(key) ?? 1) - 1;
      if (left <= 0) this.open.delete(key);
      else this.open.set(key, left);
    });
    return true;
  }
}

/**
 * Rate limits shared by every process, in Redis; while Redis is down each process counts for
 * itself (an insurance limiter in memory), so limits hold, per process, rather than lapse.
 * Connection caps stay per process: a count of open sockets in Redis would outlive a process
 * that dies holding them.
 */
export class RedisLimitStore implements LimitStore {
  private readonly memory = new MemoryLimitStore();

  constructor(
    private readonly client: Redis,
    private readonly prefix: string,
  ) {}

  rateCounter(options: IRateLimiterOptions): RateLimiterAbstract {
    return new RateLimiterRedis({
      ...options,
      keyPrefix: `${this.prefix}${options.keyPrefix ?? "limit"}`,
      storeClient: this.client,
      useRedisPackage: true,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory(options),
    });
  }

  slots(max: number): SlotCounter {
    return this.memory.slots(max);
  }
}
