import { randomBytes } from "node:crypto";
import { createCookie, type Cookie } from "@remix-run/node";
import { and, eq, gt, lt } from "drizzle-orm";
import type { Db } from "../../db/client.server";
import { sessions, users, type User } from "../../db/schema";
import { recordAudit } from "../audit.server";
import type { LoginThrottle } from "./login-throttle.server";
import { decoyPasswordHash, verifyPassword } from "./passwords.server";

const SESSION_DAYS = 14;
const DAY_MS = 24 * 60 * 60 * 1000;

export type SessionUser = Pick<User, "id" | "email" | "name" | "organisation" | "side">;

export type SignInResult =
  | { status: "signed-in"; user: SessionUser; setCookie: string }
  | { status: "wrong-credentials" }
  | { status: "throttled"; retryAfterSeconds: number };

/**
 * Sign-in and the session cookie. The cookie carries a random session id, signed with the
 * session secret; the session itself is a row, so signing out or deleting a user ends it.
 */
export class AuthService {
  readonly cookie: Cookie;

  constructor(
    private readonly db: Db,
    private readonly throttle: LoginThrottle,
    options: { secret: string; secure: boolean },
  ) {
    this.cookie = createCookie("coplan_session", {
      httpOnly: true,
      sameSite: "lax",
      secure: options.secure,
      path: "/",
      maxAge: SESSION_DAYS * 24 * 60 * 60,
      secrets: [options.secret],
    });
  }

  /**
   * Checks the credentials and starts a session. Failures are throttled per address and per
   * account; sign-ins and failures are audited.
   */
  async signIn(email: string, password: string, address: string): Promise<SignInResult> {
    const account = email.trim().toLowerCase();
    const keys = [`address:${address}`, `account:${account}`];
    const retryAfterSeconds = this.throttle.retryAfterSeconds(keys);
    if (retryAfterSeconds > 0) return { status: "throttled", retryAfterSeconds };
    const user = await this.checkCredentials(account, password);
    if (!user) {
      this.throttle.recordFailure(keys);
      recordAudit(this.db, { type: "session.sign-in-failed", detail: { email: account, address } });
      return { status: "wrong-credentials" };
    }
    recordAudit(this.db, { userId: user.id, type: "session.signed-in", detail: { address } });
    return { status: "signed-in", user, setCookie: await this.startSession(user.id) };
  }

  /** The user for these credentials, or null; takes as long whether or not the email exists. */
  private async checkCredentials(email: string, password: string): Promise<SessionUser | null> {
    const user = this.db
      .select()
      .from(users)
      .where(eq(users.email, email.trim().toLowerCase()))
      .get();
    const ok = await verifyPassword(user?.passwordHash ?? (await decoyPasswordHash()), password);
    if (!user || !ok) return null;
    return toSessionUser(user);
  }

  /** Starts a session and returns the Set-Cookie header value for it. */
  private async startSession(userId: string): Promise<string> {
    const id = randomBytes(32).toString("base64url");
    const now = Date.now();
    this.db.delete(sessions).where(lt(sessions.expiresAt, new Date(now))).run();
    this.db
      .insert(sessions)
      .values({ id, userId, expiresAt: new Date(now + SESSION_DAYS * DAY_MS) })
      .run();
    return this.cookie.serialize(id);
  }

  /** Ends the session named by the Cookie header, and returns a Set-Cookie that clears it. */
  async endSession(cookieHeader: string | null | undefined): Promise<string> {
    const id = await this.sessionId(cookieHeader);
    if (id) this.db.delete(sessions).where(eq(sessions.id, id)).run();
    return this.cookie.serialize("", { maxAge: 0 });
  }

  /** The signed-in user of a request's Cookie header, or null. */
  async userFromCookie(cookieHeader: string | null | undefined): Promise<SessionUser | null> {
    const id = await this.sessionId(cookieHeader);
    if (!id) return null;
    const row = this.db
      .select({ user: users })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(and(eq(sessions.id, id), gt(sessions.expiresAt, new Date())))
      .get();
    return row ? toSessionUser(row.user) : null;
  }

  private async sessionId(cookieHeader: string | null | undefined): Promise<string | null> {
    if (!cookieHeader) return null;
    const value: unknown = await this.cookie.parse(cookieHeader);
    return typeof value === "string" && value.length > 0 ? value : null;
  }
}

function toSessionUser(user: User): SessionUser {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    organisation: user.organisation,
    side: user.side,
  };
}
