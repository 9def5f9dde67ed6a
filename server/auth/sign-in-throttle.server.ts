import { RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { MemoryLimitStore, type LimitStore } from "../limit-store.server";
import { SIGN_IN_LIMITS, type SignInLimits } from "../limits.server";

/**
 * Slows password guessing without letting a stranger lock someone out (rate-limiter-flexible's
 * "login endpoint protection" pattern). Two counters of failures:
 * - per (account, address), consecutive: the address guessing one person's password is
 *   blocked for a while; the same account from any other address is untouched, and a right
 *   password resets it;
 * - per address, over all accounts: an address trying many accounts is blocked.
 * Each entry expires after its window, so memory holds only the recent failures.
 */
export class SignInThrottle {
  private readonly byAccountAndAddress: RateLimiterAbstract;
  private readonly byAddress: RateLimiterAbstract;

  constructor(limits: SignInLimits = SIGN_IN_LIMITS, store: LimitStore = new MemoryLimitStore()) {
    this.byAccountAndAddress = store.rateCounter({
      keyPrefix: "sign-in-account-address",
      points: limits.failuresPerAccountAndAddress,
      duration: limits.accountAndAddressWindowSeconds,
      blockDuration: limits.accountAndAddressBlockSeconds,
    });
    this.byAddress = store.rateCounter({
      keyPrefix: "sign-in-address",
      points: limits.failuresPerAddress,
      duration: limits.addressWindowSeconds,
    });
  }

  /** Seconds until this account may be tried from this address; 0 when it may be now. */
  async retryAfterSeconds(account: string, address: string): Promise<number> {
    const [pair, whole] = await Promise.all([
      this.byAccountAndAddress.get(pairKey(account, address)),
      this.byAddress.get(address),
    ]);
    const waitMs = Math.max(
      blockedForMs(pair, this.byAccountAndAddress.points),
      blockedForMs(whole, this.byAddress.points),
    );
    return Math.ceil(waitMs / 1000);
  }

  async recordFailure(account: string, address: string): Promise<void> {
    await Promise.all([
      this.byAccountAndAddress.consume(pairKey(account, address)).catch(ignoreRefusal),
      this.byAddress.consume(address).catch(ignoreRefusal),
    ]);
  }

  /** The right password: this address's failures for the account are forgiven. */
  async recordSuccess(account: string, address: string): Promise<void> {
    await this.byAccountAndAddress.delete(pairKey(account, address));
  }
}

function pairKey(account: string, address: string): string {
  return JSON.stringify([account, address]);
}

function blockedForMs(res: RateLimiterRes | null, points: number): number {
  return res && res.consumedPoints >= points ? Math.max(res.msBeforeNext, 1) : 0;
}

/** consume() rejects with the limiter's result once over the limit: that is the block itself. */
function ignoreRefusal(reason: unknown): void {
  if (!(reason instanceof RateLimiterRes)) throw reason;
}
