import { and, count, eq, gt, isNull } from "drizzle-orm";
import { Refusal } from "../../app/shared/errors";
import type { Db, Store } from "../../db/store.server";
import { moduleLog } from "../log.server";
import type { AuthService } from "../auth/sessions.server";
import { hashPassword } from "../auth/passwords.server";
import { newUserSchema } from "../auth/users.server";
import type { MailQueue } from "../mail/mail-queue.server";
import { passwordResetMail } from "../mail/messages.server";
import type { PublicLinks } from "../mail/public-links.server";
import { recordAudit } from "../plans/audit.server";
import { hashLinkToken, newLinkToken } from "./tokens.server";
import { PASSWORD_RESET_LIMITS } from "../limits.server";

const logger = moduleLog("password-resets");

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
    private readonly store: Store,
    private readonly auth: AuthService,
    private readonly mail: MailQueue,
    private readonly links: PublicLinks,
  ) {}

  request(email: string): void {
    setImmediate(() => {
      void this.send(email.trim().toLowerCase()).catch((error: unknown) =>
        logger.error({ err: error }, "could not send a password reset link"),
      );
    });
  }

  /** Whether a link can still be used (its page shows the form, or says it has expired). */
  async isUsable(token: string): Promise<boolean> {
    return Boolean(await this.usable(token));
  }

  /**
   * Sets the new password, uses up this link and every other link of the account still out,
   * and ends every session of the account. The link is checked before the password is hashed,
   * so a made-up link costs a lookup, not an argon2 hash; it is checked again as the password
   * is stored, since another request may have used it meanwhile.
   */
  async reset(token: string, password: string): Promise<void> {
    if (!(await this.usable(token))) throw usedOrExpired();
    const parsed = newPasswordSchema.safeParse(password);
    if (!parsed.success) throw new Refusal("invalid", parsed.error.issues[0]!.message);
    const passwordHash = await hashPassword(parsed.data);
    const { passwordResets, users } = this.store.tables;
    const userId = await this.store.transaction(async (tx) => {
      const row = await this.usable(token, tx);
      if (!row) throw usedOrExpired();
      // Used up on the condition it is unused still: of two resets at once with one link, one wins.
      const used = await tx
        .update(passwordResets)
        .set({ usedAt: new Date() })
        .where(and(eq(passwordResets.userId, row.userId), isNull(passwordResets.usedAt)))
        .returning({ tokenHash: passwordResets.tokenHash });
      if (!used.some((link) => link.tokenHash === row.tokenHash)) throw usedOrExpired();
      await tx.update(users).set({ passwordHash }).where(eq(users.id, row.userId));
      await recordAudit(this.store, { userId: row.userId, type: "user.password-reset" }, tx);
      return row.userId;
    });
    await this.auth.endSessionsOf(userId);
  }

  private async send(email: string): Promise<void> {
    const { passwordResets, users } = this.store.tables;
    const [user] = await this.store.db.select().from(users).where(eq(users.email, email));
    if (!user || user.deactivatedAt) return;
    const { token, hash } = newLinkToken();
    const made = await this.store.transaction(async (tx) => {
      // Requests at once would each count the links before any is made, and pass the limit together.
      await this.store.lock(tx, `password-resets:${user.id}`);
      const [recent] = await tx
        .select({ n: count() })
        .from(passwordResets)
        .where(and(eq(passwordResets.userId, user.id), gt(passwordResets.createdAt, new Date(Date.now() - HOUR_MS))));
      if ((recent?.n ?? 0) >= PASSWORD_RESET_LIMITS.perAccountPerHour) return false;
      await tx
        .insert(passwordResets)
        .values({ tokenHash: hash, userId: user.id, expiresAt: new Date(Date.now() + LINK_MS) });
      return true;
    });
    if (!made) return;
    await this.mail.enqueue({
      to: user.email,
      ...passwordResetMail({ name: user.name, link: this.links.url(`/password-reset/${token}`) }),
    });
  }

  private async usable(token: string, db: Db = this.store.db) {
    if (typeof token !== "string" || token.length < 20 || token.length > 100) return undefined;
    const { passwordResets, users } = this.store.tables;
    const [row] = await db
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
      );
    return row;
  }
}

function usedOrExpired(): Refusal {
  return new Refusal("not-found", "this reset link has been used or has expired; ask for a new one");
}
