import { randomUUID } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Store } from "../../db/store.server";
import { AuthService } from "../../server/auth/sessions.server";
import { SignInThrottle } from "../../server/auth/sign-in-throttle.server";
import { createUser, findUserByEmail, newUserSchema, UserExistsError } from "../../server/auth/users.server";
import { MemoryLimitStore } from "../../server/limit-store.server";
import { MailQueue } from "../../server/mail/mail-queue.server";
import { PublicLinks } from "../../server/mail/public-links.server";
import type { MemberService } from "../../server/plans/members.server";
import { AccountService } from "../../server/people/account.server";
import { AdminService } from "../../server/people/admin.server";
import { DeputyService } from "../../server/people/deputies.server";
import { InvitationService } from "../../server/people/invitations.server";
import { PasswordResetService } from "../../server/people/password-resets.server";
import { hashLinkToken } from "../../server/people/tokens.server";
import { openTestStore, STORE_KINDS, type TestStore } from "../support/stores";

const DAY_MS = 24 * 60 * 60 * 1000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

describe.each(STORE_KINDS)("people and sessions on the %s store", (kind) => {
  let opened: TestStore;
  let store: Store;
  let auth: AuthService;
  let mail: MailQueue;
  let invitations: InvitationService;
  const notified: string[] = [];

  const person = (email: string, side: "local" | "whitehall" = "local") =>
    createUser(
      store,
      newUserSchema.parse({ email, name: email.split("@")[0], password: "long-enough-pw", organisation: "Org", side }),
    );
  const cookieOf = (setCookie: string) => setCookie.split(";")[0]!;
  /** The link's token in the newest message to `to`, read from the stored message (the outbox hides reset links). */
  const linkTo = async (to: string, path: string) => {
    const { mailMessages } = store.tables;
    const messages = await store.db.select().from(mailMessages).where(eq(mailMessages.to, to));
    const text = messages.sort((a, b) => b.id - a.id)[0]?.text ?? "";
    return new RegExp(`${path}/([A-Za-z0-9_-]+)`).exec(text)?.[1];
  };

  beforeAll(async () => {
    opened = await openTestStore(kind);
    store = opened.store;
    auth = new AuthService(store, new SignInThrottle(), { secret: "a-test-secret-of-some-length", secure: false });
    mail = new MailQueue(store, null, { retryBaseMs: 1000 });
    const members = { notifyAccess: (planId: string, userId: string) => notified.push(`${planId}:${userId}`) };
    invitations = new InvitationService(
      store,
      members as unknown as MemberService,
      mail,
      new PublicLinks("http://coplan.test"),
      (userId) => auth.startSession(userId),
      new MemoryLimitStore(),
    );
  });
  afterAll(() => opened?.dispose());

  it("makes a user, finds them by email in any case, and refuses the email again, also when made at once", async () => {
    const made = await person("Ada@Example.org");
    expect(made).toMatchObject({ email: "ada@example.org", isAdmin: false, deactivatedAt: null });
    expect(made.createdAt).toBeInstanceOf(Date);
    expect((await findUserByEmail(store, " ADA@example.ORG "))?.id).toBe(made.id);
    await expect(person("ada@example.org")).rejects.toBeInstanceOf(UserExistsError);
    const both = await Promise.allSettled([person("twice@example.org"), person("twice@example.org")]);
    expect(both.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect((both.find((r) => r.status === "rejected") as PromiseRejectedResult).reason).toBeInstanceOf(UserExistsError);
  });

  it("signs in, reads the session from its cookie, ends it, and audits sign-ins", async () => {
    await person("sid@example.org");
    const wrong = await auth.signIn("sid@example.org", "not-the-password", "10.0.0.1");
    expect(wrong.status).toBe("wrong-credentials");
    const result = await auth.signIn("SID@example.org", "long-enough-pw", "10.0.0.1");
    if (result.status !== "signed-in") throw new Error(result.status);
    const cookie = cookieOf(result.setCookie);
    const session = await auth.sessionFromCookie(cookie);
    expect(session?.user).toMatchObject({ email: "sid@example.org", isAdmin: false });
    expect(await auth.userFromCookie("coplan_session=made-up")).toBeNull();
    await auth.endSession(cookie);
    expect(await auth.sessionFromCookie(cookie)).toBeNull();
    const { auditEvents } = store.tables;
    const types = (await store.db.select({ type: auditEvents.type }).from(auditEvents)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(["session.sign-in-failed", "session.signed-in"]));
  });

  it("ignores an expired session and removes it when the next one starts; ends all but the one kept", async () => {
    const user = await person("exp@example.org");
    const { sessions } = store.tables;
    const first = cookieOf(await auth.startSession(user.id));
    const second = cookieOf(await auth.startSession(user.id));
    const third = cookieOf(await auth.startSession(user.id));
    const keep = (await auth.sessionFromCookie(third))!.sessionHash;
    await store.db
      .update(sessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(sessions.idHash, (await auth.sessionFromCookie(first))!.sessionHash));
    expect(await auth.sessionFromCookie(first)).toBeNull();
    await auth.startSession((await person("other@example.org")).id);
    expect(await store.db.select().from(sessions).where(eq(sessions.userId, user.id))).toHaveLength(2);
    await auth.endSessionsOf(user.id, keep);
    expect(await auth.sessionFromCookie(second)).toBeNull();
    expect((await auth.sessionFromCookie(third))?.user.id).toBe(user.id);
  });

  it("an administrator deactivates someone: their sessions end, sign-in fails, and reactivating undoes it", async () => {
    const boss = await person("boss@example.org");
    const target = await person("target@example.org");
    const deactivated: string[] = [];
    const admin = new AdminService(store, auth, invitations, (id) => deactivated.push(id));
    const bossSession = { ...boss, isAdmin: true };
    const cookie = cookieOf(await auth.startSession(target.id));
    await admin.deactivate(bossSession, target.id);
    expect(deactivated).toEqual([target.id]);
    expect(await auth.sessionFromCookie(cookie)).toBeNull();
    expect((await auth.signIn("target@example.org", "long-enough-pw", "10.0.0.2")).status).toBe("wrong-credentials");
    const listed = await admin.listUsers();
    expect(listed.map((u) => u.name)).toEqual([...listed.map((u) => u.name)].sort());
    expect(listed.find((u) => u.id === target.id)?.deactivatedAt).toBeInstanceOf(Date);
    await admin.reactivate(bossSession, target.id);
    expect((await admin.listUsers()).find((u) => u.id === target.id)?.deactivatedAt).toBeNull();
    await expect(admin.reactivate(bossSession, "no-such-id")).rejects.toMatchObject({ kind: "not-found" });
  });

  it("keeps the email opt-outs of one of two saves at once, not both mixed", async () => {
    const user = await person("opt@example.org");
    const account = new AccountService(store, auth, new SignInThrottle());
    await Promise.all([
      account.setEmailOptOuts(user.id, ["reply", "signoff-requested"]),
      account.setEmailOptOuts(user.id, ["mention"]),
    ]);
    expect([["mention"], ["reply", "signoff-requested"]]).toContainEqual((await account.emailOptOuts(user.id)).sort());
    await account.rename(user.id, "  Opal  ");
    expect((await findUserByEmail(store, "opt@example.org"))?.name).toBe("Opal");
  });

  it("an invitation to Coplan is accepted once, though two acceptances come at once", async () => {
    const inviter = { ...(await person("inviter@example.org")), isAdmin: true };
    await invitations.inviteToInstance(inviter, { email: "New@Example.org", organisation: "Newco", side: "whitehall" });
    const pending = await invitations.pendingForPlan(null);
    expect(pending).toEqual([
      expect.objectContaining({ email: "new@example.org", invitedBy: "inviter", side: "whitehall", role: null }),
    ]);
    expect(pending[0]!.expiresAt.getTime()).toBeGreaterThan(Date.now() + 6 * DAY_MS);
    const token = (await linkTo("new@example.org", "/invitations"))!;
    expect(await invitations.describe(token)).toMatchObject({ email: "new@example.org", accountExists: false });
    const both = await Promise.allSettled([
      invitations.accept(token, { name: "New One", password: "long-enough-pw" }),
      invitations.accept(token, { name: "New Two", password: "long-enough-pw" }),
    ]);
    expect(both.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const { users } = store.tables;
    expect(
      await store.db.select({ name: users.name }).from(users).where(eq(users.email, "new@example.org")),
    ).toHaveLength(1);
    expect(await invitations.describe(token)).toBeNull();
    expect(await invitations.pendingForPlan(null)).toEqual([]);
  });

  it("inviting one email to a plan twice at once keeps one invitation; withdrawing it twice refuses the second", async () => {
    const owner = { ...(await person("planner@example.org")), isAdmin: false };
    const { plans, invitations: table } = store.tables;
    const planId = randomUUID();
    await store.db.insert(plans).values({
      id: planId,
      title: "Plan",
      area: "Area",
      templateId: "t",
      template: { id: "t", version: 1, title: "T", description: "", source: "", sections: [] },
      createdBy: owner.id,
    });
    await Promise.all([
      invitations.addOrInvite(owner, planId, { email: "guest@example.org", role: "editor" }),
      invitations.addOrInvite(owner, planId, { email: "guest@example.org", role: "viewer" }),
    ]);
    const pending = await invitations.pendingForPlan(planId);
    expect(pending).toHaveLength(1);
    const token = (await linkTo("guest@example.org", "/invitations"))!;
    expect(await invitations.describe(token)).toMatchObject({ planTitle: "Plan" });
    await invitations.resend(owner, planId, pending[0]!.id);
    expect(await invitations.describe(token)).toBeNull();
    const withdrawals = await Promise.allSettled([
      invitations.withdraw(owner, planId, pending[0]!.id),
      invitations.withdraw(owner, planId, pending[0]!.id),
    ]);
    expect(withdrawals.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const open = await store.db
      .select()
      .from(table)
      .where(and(eq(table.planId, planId), isNull(table.withdrawnAt)));
    expect(open).toEqual([]);
  });

  it("accepting a plan invitation makes the membership and tells of the access", async () => {
    const owner = { ...(await person("host@example.org")), isAdmin: false };
    const guest = await person("member@example.org");
    const { plans, planMembers, invitations: table } = store.tables;
    const planId = randomUUID();
    await store.db.insert(plans).values({
      id: planId,
      title: "Shared",
      area: "Area",
      templateId: "t",
      template: { id: "t", version: 1, title: "T", description: "", source: "", sections: [] },
      createdBy: owner.id,
    });
    await store.db.insert(table).values({
      id: randomUUID(),
      tokenHash: hashLinkToken("x".repeat(40)),
      email: guest.email,
      planId,
      role: "reviewer",
      organisation: "Org",
      side: "local",
      invitedBy: owner.id,
      expiresAt: new Date(Date.now() + DAY_MS),
    });
    expect(await invitations.acceptAsUser("x".repeat(40), { ...guest })).toEqual({ to: `/plans/${planId}` });
    expect(await store.db.select().from(planMembers).where(eq(planMembers.planId, planId))).toEqual([
      expect.objectContaining({ userId: guest.id, role: "reviewer" }),
    ]);
    expect(notified).toContain(`${planId}:${guest.id}`);
  });

  it("a reset link is asked for at most three times an hour, and used once though two resets come at once", async () => {
    const user = await person("reset@example.org");
    const resets = new PasswordResetService(store, auth, mail, new PublicLinks("http://coplan.test"));
    const { passwordResets, users } = store.tables;
    for (let i = 0; i < 5; i++) resets.request("Reset@Example.org");
    await vi.waitFor(async () =>
      expect(await store.db.select().from(passwordResets).where(eq(passwordResets.userId, user.id))).toHaveLength(3),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await store.db.select().from(passwordResets).where(eq(passwordResets.userId, user.id))).toHaveLength(3);
    const token = (await linkTo("reset@example.org", "/password-reset"))!;
    expect(await resets.isUsable(token)).toBe(true);
    const cookie = cookieOf(await auth.startSession(user.id));
    const both = await Promise.allSettled([
      resets.reset(token, "new-password-1"),
      resets.reset(token, "new-password-2"),
    ]);
    expect(both.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(await resets.isUsable(token)).toBe(false);
    expect(await auth.sessionFromCookie(cookie)).toBeNull();
    const [after] = await store.db.select().from(users).where(eq(users.id, user.id));
    expect(after!.passwordHash).not.toBe(user.passwordHash);
    const unused = await store.db
      .select()
      .from(passwordResets)
      .where(and(eq(passwordResets.userId, user.id), isNull(passwordResets.usedAt)));
    expect(unused).toEqual([]);
  });

  it("a deputy named twice at once leaves one period running; ending it tells of the deputy", async () => {
    const signatory = { ...(await person("sig@example.org")), isAdmin: false };
    const first = await person("dep1@example.org");
    const second = await person("dep2@example.org");
    // Named for a later period, apart from the two whose race either may win.
    const third = await person("dep3@example.org");
    const { plans, planMembers, deputyships } = store.tables;
    const planId = randomUUID();
    await store.db.insert(plans).values({
      id: planId,
      title: "Signed",
      area: "Area",
      templateId: "t",
      template: { id: "t", version: 1, title: "T", description: "", source: "", sections: [] },
      createdBy: signatory.id,
    });
    const ended: string[][] = [];
    const deputies = new DeputyService(
      store,
      () => Date.now(),
      (ids) => ended.push(ids),
    );
    await expect(
      deputies.name(signatory, { email: first.email, from: isoDay(Date.now()), until: isoDay(Date.now() + DAY_MS) }),
    ).rejects.toMatchObject({ kind: "forbidden" });
    await store.db.insert(planMembers).values({ planId, userId: signatory.id, role: "signatory" });
    const today = isoDay(Date.now());
    const later = isoDay(Date.now() + 5 * DAY_MS);
    await Promise.all([
      deputies.name(signatory, { email: first.email, from: today, until: later }),
      deputies.name(signatory, { email: second.email, from: today, until: later }),
    ]);
    const open = await store.db
      .select()
      .from(deputyships)
      .where(and(eq(deputyships.signatoryId, signatory.id), isNull(deputyships.endedAt)));
    expect(open).toHaveLength(1);
    const mine = await deputies.forAccount(signatory.id);
    expect(mine.named).toEqual([expect.objectContaining({ from: today, until: later })]);
    expect(ended).toHaveLength(1);
    const future = isoDay(Date.now() + 10 * DAY_MS);
    const planned = await deputies.name(signatory, {
      email: third.email,
      from: future,
      until: isoDay(Date.now() + 12 * DAY_MS),
    });
    expect(planned.running).toBe(false);
    expect((await deputies.forAccount(signatory.id)).named.map((view) => view.running)).toEqual([true, false]);
    expect((await deputies.forAccount(third.id)).standingInFor.map((view) => view.signatory.id)).toEqual([
      signatory.id,
    ]);
    expect(await deputies.end(signatory.id)).toBe(2);
    await expect(deputies.end(signatory.id)).rejects.toMatchObject({ kind: "not-found" });
  });
});
