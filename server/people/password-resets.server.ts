import { and, count, eq, gt, isNull } from "drizzle-orm";
import { Refusal } from "../../app/shared/errors";
import type { SqliteDb } from "../../db/client.server";
import { passwordResets, users } from "../../db/schema";
import type { AuthService } from "../auth/sessions.server";
import { hashPassword } from "../auth/passwords.server";
import { newUserSchema } from "../auth/users.server";
import type { MailQueue } from "../mail/mail-queue.server";
import { passwordResetMail } from "../mail/messages.server";
import type { PublicLinks } from "../mail/public-links.server";
import { recordAuditSync } from "../plans/audit.server";
import { hashLinkToken, newLinkToken } from "./tokens.server";
import { PASSWORD_RESET_LIMITS } from "../limits.server";

const LINK_MS = PASSWORD_RESET_LIMITS.linkMinutes * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;

export const newPasswordSchema = newUserSchema.shape.password;

/**
 * Password reset by email: a link good for one hour and once, its token stored hashed. Asking
 * answers the same whether or not the email has an account, and does the work after the
 * answer, so neither the answer nor its timing tells.
 */
export class PasswordResetService {
  constructor(
    private readonly db: SqliteDb,
    private readonly auth: AuthService,
    private readonly mail: MailQueue,
    private readonly links: PublicLinks,
  ) {}

  request(email: string): void {
    setImmediate(() => this.send(email.trim().toLowerCase()));
  }

  /** Whether a link can still be used (its page shows the form, or says it has expired). */
  isUsable(token: string): boolean {
    return Boolean(this.usable(token));
  }

  /**
   * Sets the new password, uses up this link and every other link of the account still out,
   * and ends every session of the account. The link is checked before the password is hashed,
   * so a made-up link costs a lookup, not an argon2 hash; it is checked again as the password
   * is stored, since another request may have used it meanwhile.
   */
  async reset(token: string, password: string): Promise<void> {
    if (!this.usable(token)) throw usedOrExpired();
    const parsed = newPasswordSchema.safeParse(password);
    if (!parsed.success) throw new Refusal("invalid", parsed.error.issues[0]!.message);
    const passwordHash = await hashPassword(parsed.data);
    const userId = this.db.transaction((tx) => {
      const row = this.usable(token, tx);
      if (!row) throw usedOrExpired();
      tx.update(passwordResets)
        .set({ usedAt: new Date() })
        .where(and(eq(passwordResets.userId, row.userId), isNull(passwordResets.usedAt)))
        .run();
      tx.update(users).set({ passwordHash }).where(eq(users.id, row.userId)).run();
      recordAuditSync(tx, { userId: row.userId, type: "user.password-reset" });
      return row.userId;
    });
    this.auth.endSessionsOf(userId);
  }

  private send(email: string): void {
    const user = this.db.select().from(users).where(eq(users.email, email)).get();
    if (!user || user.deactivatedAt) return;
    const recent =
      this.db
        .select({ n: count() })
        .from(passwordResets)
        .where(and(eq(passwordResets.userId, user.id), gt(passwordResets.createdAt, new Date(Date.now() - HOUR_MS))))
        .get()?.n ?? 0;
    if (recent >= PASSWORD_RESET_LIMITS.perAccountPerHour) return;
    const { token, hash } = newLinkToken();
    this.db
      .insert(passwordResets)
      .values({ tokenHash: hash, userId: user.id, expiresAt: new Date(Date.now() + LINK_MS) })
      .run();
    this.mail.enqueue({
      to: user.email,
      ...passwordResetMail({ name: user.name, link: this.links.url(`/password-reset/${token}`) }),
    });
  }

  private usable(token: string, tx: Pick<SqliteDb, "select"> = this.db) {
    if (typeof token !== "string" || token.length < 20 || token.length > 100) return undefined;
    return tx
      .select({ tokenHash: passwordResets.tokenHash, userId: passwordResets.userId })
      .from(passwordResets)
      .innerJoin(users, eq(users.id, passwordResets.userId))
      .where(
        and(
          eq(passwordResets.tokenHash, hashLinkToken(token)),
          isNull(passwordResets.usedAt),
          gt(passwordResets.expiresAt, new Date()),
          isNull(users.deactivatedAt),
        ),
      )
      .get();
  }
}

function usedOrExpired(): Refusal {
  return new Refusal("not-found", "this reset link has been used or has expired; ask for a new one");
}
