import { RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { LimitStore } from "../limit-store.server";

/** At most `points` actions per key in any `durationSeconds` (values in limits.server.ts). */
export interface RateLimitValues {
  points: number;
  durationSeconds: number;
}

/** A limit on how often one key (a user, an address, a user and a section) may do something. */
export class RateLimit {
  private readonly limiter: RateLimiterAbstract;

  constructor(store: LimitStore, name: string, values: RateLimitValues) {
    this.limiter = store.rateCounter({ keyPrefix: name, points: values.points, duration: values.durationSeconds });
  }

  /** Counts one action for the key; answers the seconds to wait when over the limit, else 0. */
  async take(key: string): Promise<number> {
    try {
      await this.limiter.consume(key);
      return 0;
    } catch (reason) {
      if (reason instanceof RateLimiterRes) return Math.max(1, Math.ceil(reason.msBeforeNext / 1000));
      throw reason;
    }
  }
}
