import { createHash, randomBytes } from "node:crypto";
import { createCookie, type Cookie } from "@remix-run/node";
import { and, eq, gt, isNull, lt, ne } from "drizzle-orm";
import type { Store } from "../../db/store.server";
import type { User } from "../../db/schema";
import { recordAudit } from "../plans/audit.server";
import type { SignInThrottle } from "./sign-in-throttle.server";
import { decoyPasswordHash, verifyPassword } from "./passwords.server";

const SESSION_DAYS = 14;
const DAY_MS = 24 * 60 * 60 * 1000;

export type SessionUser = Pick<User, "id" | "email" | "name" | "organisation" | "side" | "isAdmin">;

export type SignInResult =
  | { status: "signed-in"; user: SessionUser; setCookie: string }
  | { status: "wrong-credentials" }
  | { status: "throttled"; retryAfterSeconds: number };

export interface CurrentSession {
  user: SessionUser;
  /** The session's stored key, which names it to whatever holds it open (its WebSockets). */
  sessionHash: string;
}

/**
 * Sign-in and the session cookie. The cookie carries a random session id, signed with the
 * session secret; the session itself is a row keyed by the id's SHA-256, so signing out or
 * deleting a user ends it, and the database never holds an id that would sign anyone in.
 */
export class AuthService {
  readonly cookie: Cookie;
  private readonly onSessionEnded: (sessionHash: string) => void;

  constructor(
    private readonly store: Store,
    private readonly throttle: SignInThrottle,
    options: { secret: string; secure: boolean; onSessionEnded?: (sessionHash: string) => void },
  ) {
    this.onSessionEnded = options.onSessionEnded ?? (() => undefined);
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
   * account from that address (see SignInThrottle); sign-ins and failures are audited.
   */
  async signIn(email: string, password: string, address: string): Promise<SignInResult> {
    const account = email.trim().toLowerCase();
    const retryAfterSeconds = await this.throttle.retryAfterSeconds(account, address);
    if (retryAfterSeconds > 0) return { status: "throttled", retryAfterSeconds };
    const user = await this.checkCredentials(account, password);
    if (!user) {
      await this.throttle.recordFailure(account, address);
      await recordAudit(this.store, { type: "session.sign-in-failed", detail: { email: account, address } });
      return { status: "wrong-credentials" };
    }
    await this.throttle.recordSuccess(account, address);
    await recordAudit(this.store, { userId: user.id, type: "session.signed-in", detail: { address } });
    return { status: "signed-in", user, setCookie: await this.startSession(user.id) };
  }

  /** The user for these credentials, or null; takes as long whether or not the email exists. */
  private async checkCredentials(email: string, password: string): Promise<SessionUser | null> {
    const { users } = this.store.tables;
    const [user] = await this.store.db.select().from(users).where(eq(users.email, email.trim().toLowerCase()));
    const ok = await verifyPassword(user?.passwordHash ?? (await decoyPasswordHash()), password);
    if (!user || !ok || user.deactivatedAt) return null;
    return toSessionUser(user);
  }

  /** Starts a session and returns the Set-Cookie header value for it. */
  async startSession(userId: string): Promise<string> {
    const id = randomBytes(32).toString("base64url");
    const now = Date.now();
    const { sessions } = this.store.tables;
    await this.store.db.delete(sessions).where(lt(sessions.expiresAt, new Date(now)));
    await this.store.db
      .insert(sessions)
      .values({ idHash: hashSessionId(id), userId, expiresAt: new Date(now + SESSION_DAYS * DAY_MS) });
    return this.cookie.serialize(id);
  }

  /**
   * Ends the session named by the Cookie header, closing what it holds open at once, and
   * returns a Set-Cookie that clears it.
   */
  async endSession(cookieHeader: string | null | undefined): Promise<string> {
    const sessionHash = await this.sessionHash(cookieHeader);
    if (sessionHash) {
      const { sessions } = this.store.tables;
      await this.store.db.delete(sessions).where(eq(sessions.idHash, sessionHash));
      this.onSessionEnded(sessionHash);
    }
    return this.cookie.serialize("", { maxAge: 0 });
  }

  /**
   * Ends every session of the user but the one named (a password change keeps the session it
   * was made in), closing their open WebSockets at once.
   */
  async endSessionsOf(userId: string, keep?: string): Promise<void> {
    const { sessions } = this.store.tables;
    const ended = await this.store.db
      .delete(sessions)
      .where(and(eq(sessions.userId, userId), keep ? ne(sessions.idHash, keep) : undefined))
      .returning({ idHash: sessions.idHash });
    for (const { idHash } of ended) this.onSessionEnded(idHash);
  }

  /** The signed-in user of a request's Cookie header, or null. */
  async userFromCookie(cookieHeader: string | null | undefined): Promise<SessionUser | null> {
    return (await this.sessionFromCookie(cookieHeader))?.user ?? null;
  }

  /** The signed-in user of a request's Cookie header and their session's key, or null. */
  async sessionFromCookie(cookieHeader: string | null | undefined): Promise<CurrentSession | null> {
    const sessionHash = await this.sessionHash(cookieHeader);
    if (!sessionHash) return null;
    const { sessions, users } = this.store.tables;
    const [row] = await this.store.db
      .select({ user: users })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(and(eq(sessions.idHash, sessionHash), gt(sessions.expiresAt, new Date()), isNull(users.deactivatedAt)));
    return row ? { user: toSessionUser(row.user), sessionHash } : null;
  }

  private async sessionHash(cookieHeader: string | null | undefined): Promise<string | null> {
    if (!cookieHeader) return null;
    const value: unknown = await this.cookie.parse(cookieHeader);
    return typeof value === "string" && value.length > 0 ? hashSessionId(value) : null;
  }
}

/** The id is 256 random bits, so a plain hash (no salt, no stretching) cannot be reversed. */
function hashSessionId(id: string): string {
  return createHash("sha256").update(id).digest("hex");
}

function toSessionUser(user: User): SessionUser {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    organisation: user.organisation,
    side: user.side,
    isAdmin: user.isAdmin,
  };
}
