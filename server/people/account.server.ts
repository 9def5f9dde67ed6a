import { eq } from "drizzle-orm";
import { z } from "zod";
import { Refusal, tooMany } from "../../app/shared/errors";
import type { Store } from "../../db/store.server";
import { NOTIFICATION_TYPES, type NotificationType } from "../../app/shared/notification-types";
import type { AuthService } from "../auth/sessions.server";
import type { SignInThrottle } from "../auth/sign-in-throttle.server";
import { hashPassword, verifyPassword } from "../auth/passwords.server";
import { newUserSchema } from "../auth/users.server";
import { recordAudit } from "../plans/audit.server";

export const changePasswordSchema = z.object({
  current: z.string().min(1, "enter your current password").max(1000),
  password: newUserSchema.shape.password,
});

/** A person's own account: their name, their password and which notifications they get by email. */
export class AccountService {
  constructor(
    private readonly store: Store,
    private readonly auth: AuthService,
    private readonly throttle: SignInThrottle,
  ) {}

  async rename(userId: string, name: string): Promise<void> {
    const parsed = newUserSchema.shape.name.safeParse(name);
    if (!parsed.success) throw new Refusal("invalid", parsed.error.issues[0]!.message);
    const { users } = this.store.tables;
    await this.store.db.update(users).set({ name: parsed.data }).where(eq(users.id, userId));
  }

  /**
   * Changes the password once the current one is given, and ends every other session of the
   * person (closing their sockets), keeping the one the change was made in. Wrong current
   * passwords count as failed sign-ins of the account from `address`, so a stolen session
   * cannot guess the password here faster than at sign-in.
   */
  async changePassword(
    userId: string,
    sessionHash: string,
    address: string,
    input: { current: string; password: string },
  ) {
    const parsed = changePasswordSchema.safeParse(input);
    if (!parsed.success) throw new Refusal("invalid", parsed.error.issues[0]!.message);
    const { users } = this.store.tables;
    const [user] = await this.store.db.select().from(users).where(eq(users.id, userId));
    if (!user) throw new Refusal("not-found", "no such account");
    const retryAfterSeconds = await this.throttle.retryAfterSeconds(user.email, address);
    if (retryAfterSeconds > 0) throw tooMany("too many wrong passwords", retryAfterSeconds);
    if (!(await verifyPassword(user.passwordHash, parsed.data.current))) {
      await this.throttle.recordFailure(user.email, address);
      throw new Refusal("forbidden", "the current password is not right");
    }
    await this.throttle.recordSuccess(user.email, address);
    const passwordHash = await hashPassword(parsed.data.password);
    await this.store.transaction(async (tx) => {
      await tx.update(users).set({ passwordHash }).where(eq(users.id, userId));
      await recordAudit(this.store, { userId, type: "user.password-changed" }, tx);
    });
    await this.auth.endSessionsOf(userId, sessionHash);
  }

  /** The notification types the person gets no email for. */
  async emailOptOuts(userId: string): Promise<NotificationType[]> {
    const { notificationOptOuts } = this.store.tables;
    const rows = await this.store.db
      .select({ type: notificationOptOuts.type })
      .from(notificationOptOuts)
      .where(eq(notificationOptOuts.userId, userId));
    return rows.map((row) => row.type);
  }

  async setEmailOptOuts(userId: string, types: readonly NotificationType[]): Promise<void> {
    const { notificationOptOuts } = this.store.tables;
    await this.store.transaction(async (tx) => {
      // Two saves at once would otherwise both delete, then both insert: the last saved wins.
      await this.store.lock(tx, `opt-outs:${userId}`);
      await tx.delete(notificationOptOuts).where(eq(notificationOptOuts.userId, userId));
      const known = types.filter((type) => NOTIFICATION_TYPES.includes(type));
      if (known.length > 0) {
        await tx.insert(notificationOptOuts).values(known.map((type) => ({ userId, type })));
      }
    });
  }
}
