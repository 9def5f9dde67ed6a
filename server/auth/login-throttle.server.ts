/**
 * Counts failed sign-ins per key (an address, an account) in a sliding window. Once a key has
 * `limit` failures in the window, every attempt under it is refused until the oldest expires:
 * guessing passwords gets slow, while people who type theirs right are never counted.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until an attempt under every key is allowed again; 0 when it is allowed now. */
  retryAfterSeconds(keys: string[]): number {
    const now = this.now();
    let waitMs = 0;
    for (const key of keys) {
      const recent = this.recent(key, now);
      if (recent.length >= this.limit) waitMs = Math.max(waitMs, recent[0]! + this.windowMs - now);
    }
    return Math.ceil(waitMs / 1000);
  }

  recordFailure(keys: string[]): void {
    const now = this.now();
    for (const key of keys) this.failures.set(key, [...this.recent(key, now), now]);
  }

  private recent(key: string, now: number): number[] {
    const times = (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (times.length === 0) this.failures.delete(key);
    else this.failures.set(key, times);
    return times;
  }
}
