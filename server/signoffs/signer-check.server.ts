import { eq } from "drizzle-orm";
import { Refusal, tooMany } from "../../app/shared/errors";
import type { Store } from "../../db/store.server";
import { verifyPassword } from "../auth/passwords.server";
import type { SignInThrottle } from "../auth/sign-in-throttle.server";

/**
 * The signer proves it is them at the moment of signing (21 CFR Part 11 §11.200): their own
 * password, every time. Wrong passwords count as failed sign-ins of the account from that
 * address, in the same throttle, so an unlocked laptop cannot guess faster here than at sign-in.
 */
export class SignerCheck {
  constructor(
    private readonly store: Store,
    private readonly throttle: SignInThrottle,
  ) {}

  /** Resolves when `password` is the user's own; refuses (401, or 429 when throttled) otherwise. */
  async confirm(userId: string, password: string | undefined, address: string): Promise<void> {
    if (!password) throw new Refusal("unauthenticated", "password: type your password to sign");
    const { users } = this.store.tables;
    const [user] = await this.store.db
      .select({ email: users.email, passwordHash: users.passwordHash })
      .from(users)
      .where(eq(users.id, userId));
    if (!user) throw new Refusal("unauthenticated", "your account is not known; sign in again");
    const retryAfterSeconds = await this.throttle.retryAfterSeconds(user.email, address);
    if (retryAfterSeconds > 0) throw tooMany("too many wrong passwords", retryAfterSeconds);
    if (!(await verifyPassword(user.passwordHash, password))) {
      await this.throttle.recordFailure(user.email, address);
      throw new Refusal("unauthenticated", "that is not your password; nothing was signed");
    }
    await this.throttle.recordSuccess(user.email, address);
  }
}
