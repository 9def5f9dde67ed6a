import { eq } from "drizzle-orm";
import { z } from "zod";
import { Refusal, tooMany } from "../../app/shared/errors";
import type { SqliteDb } from "../../db/client.server";
import { NOTIFICATION_TYPES, type NotificationType } from "../../app/shared/notification-types";
import { notificationOptOuts, users } from "../../db/schema";
import type { AuthService } from "../auth/sessions.server";
import type { SignInThrottle } from "../auth/sign-in-throttle.server";
import { hashPassword, verifyPassword } from "../auth/passwords.server";
import { newUserSchema } from "../auth/users.server";
import { recordAuditSync } from "../plans/audit.server";

export const changePasswordSchema = z.object({
  current: z.string().min(1, "enter your current password").max(1000),
  password: newUserSchema.shape.password,
});

/** A person's own account: their name, their password and which notifications they get by email. */
export class AccountService {
  constructor(
    private readonly db: SqliteDb,
    private readonly auth: AuthService,
    private readonly throttle: SignInThrottle,
  ) {}

  rename(userId: string, name: string): void {
    const parsed = newUserSchema.shape.name.safeParse(name);
    if (!parsed.success) throw new Refusal("invalid", parsed.error.issues[0]!.message);
    this.db.update(users).set({ name: parsed.data }).where(eq(users.id, userId)).run();
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
    const user = this.db.select().from(users).where(eq(users.id, userId)).get();
    if (!user) throw new Refusal("not-found", "no such account");
    const retryAfterSeconds = await this.throttle.retryAfterSeconds(user.email, address);
    if (retryAfterSeconds > 0) throw tooMany("too many wrong passwords", retryAfterSeconds);
    if (!(await verifyPassword(user.passwordHash, parsed.data.current))) {
      await this.throttle.recordFailure(user.email, address);
      throw new Refusal("forbidden", "the current password is not right");
    }
    await this.throttle.recordSuccess(user.email, address);
    const passwordHash = await hashPassword(parsed.data.password);
    this.db.update(users).set({ passwordHash }).where(eq(users.id, userId)).run();
    recordAuditSync(this.db, { userId, type: "user.password-changed" });
    this.auth.endSessionsOf(userId, sessionHash);
  }

  /** The notification types the person gets no email for. */
  emailOptOuts(userId: string): NotificationType[] {
    return this.db
      .select({ type: notificationOptOuts.type })
      .from(notificationOptOuts)
      .where(eq(notificationOptOuts.userId, userId))
      .all()
      .map((row) => row.type);
  }

  setEmailOptOuts(userId: string, types: readonly NotificationType[]): void {
    this.db.transaction((tx) => {
      tx.delete(notificationOptOuts).where(eq(notificationOptOuts.userId, userId)).run();
      const known = types.filter((type) => NOTIFICATION_TYPES.includes(type));
      if (known.length > 0) {
        tx.insert(notificationOptOuts)
          .values(known.map((type) => ({ userId, type })))
          .run();
      }
    });
  }
}
