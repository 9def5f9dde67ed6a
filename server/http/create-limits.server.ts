import { RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { LimitStore } from "../limit-store.server";
import { CREATE_LIMITS, type CreateKind } from "../limits.server";

/** Per-user limits on creating plans, templates and comments (values in limits.server.ts). */
export class CreateLimits {
  private readonly limiters = new Map<CreateKind, RateLimiterAbstract>();

  constructor(store: LimitStore, enabled: boolean) {
    if (!enabled) return;
    for (const [kind, { points, durationSeconds }] of Object.entries(CREATE_LIMITS)) {
      this.limiters.set(
        kind as CreateKind,
        store.rateCounter({ keyPrefix: `create-${kind}`, points, duration: durationSeconds }),
      );
    }
  }

  /** Counts one creation by the user; answers the seconds to wait when over the limit, else 0. */
  async take(kind: CreateKind, userId: string): Promise<number> {
    try {
      await this.limiters.get(kind)?.consume(userId);
      return 0;
    } catch (reason) {
      if (reason instanceof RateLimiterRes) return Math.max(1, Math.ceil(reason.msBeforeNext / 1000));
      throw reason;
    }
  }
}
