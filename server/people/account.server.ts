import { eq } from "drizzle-orm";
import { z } from "zod";
import { Refusal } from "../../app/shared/errors";
import type { Db } from "../../db/client.server";
import { NOTIFICATION_TYPES, type NotificationType } from "../../app/shared/notification-types";
import { notificationOptOuts, users } from "../../db/schema";
import type { AuthService } from "../auth/sessions.server";
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
    private readonly db: Db,
    private readonly auth: AuthService,
  ) {}

  rename(userId: string, name: string): void {
    const parsed = newUserSchema.shape.name.safeParse(name);
    if (!parsed.success) throw new Refusal("invalid", parsed.error.issues[0]!.message);
    this.db.update(users).set({ name: parsed.data }).where(eq(users.id, userId)).run();
  }

  /**
   * Changes the password once the current one is given, and ends every other session of the
   * person (closing their sockets), keeping the one the change was made in.
   */
  async changePassword(userId: string, sessionHash: string, input: { current: string; password: string }) {
    const parsed = changePasswordSchema.safeParse(input);
    if (!parsed.success) throw new Refusal("invalid", parsed.error.issues[0]!.message);
    const user = this.db.select().from(users).where(eq(users.id, userId)).get();
    if (!user || !(await verifyPassword(user.passwordHash, parsed.data.current))) {
      throw new Refusal("forbidden", "the current password is not right");
    }
    const passwordHash = await hashPassword(parsed.data.password);
    this.db.update(users).set({ passwordHash }).where(eq(users.id, userId)).run();
    recordAudit(this.db, { userId, type: "user.password-changed" });
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
