import { randomUUID } from "node:crypto";
import { and, asc, eq, gt, isNull } from "drizzle-orm";
import { z } from "zod";
import { Refusal, tooMany } from "../../app/shared/errors";
import type { Role, Side } from "../../app/shared/permissions";
import type { SqliteDb } from "../../db/client.server";
import { invitations, planMembers, plans, users, type Invitation } from "../../db/schema";
import type { SessionUser } from "../auth/sessions.server";
import { hashPassword } from "../auth/passwords.server";
import { newUserSchema } from "../auth/users.server";
import type { MailQueue } from "../mail/mail-queue.server";
import { invitationMail } from "../mail/messages.server";
import type { PublicLinks } from "../mail/public-links.server";
import type { MemberService, MemberView } from "../plans/members.server";
import { recordAuditSync } from "../plans/audit.server";
import { RateLimit } from "../http/rate-limit.server";
import type { LimitStore } from "../limit-store.server";
import { INVITATION_LIMITS } from "../limits.server";
import { hashLinkToken, newLinkToken } from "./tokens.server";

const INVITATION_DAYS = 7;
const DAY_MS = 24 * 60 * 60 * 1000;

export const acceptInvitationSchema = newUserSchema.pick({ name: true, password: true });

export interface PendingInvitation {
  id: string;
  email: string;
  role: Role | null;
  organisation: string;
  side: Side;
  invitedBy: string;
  createdAt: Date;
  expiresAt: Date;
}

/** What the invitation page shows before the person accepts. */
export interface InvitationView {
  email: string;
  planTitle: string | null;
  role: Role | null;
  inviterName: string;
  /** Someone already has this email (they accept by signing in, not by making an account). */
  accountExists: boolean;
}

/**
 * A member as the answer to adding them shows them: who they are (name, organisation, side)
 * only when they are of the adder's own organisation, so adding an email is no way to look
 * up a stranger's details.
 */
export type AddedMember = Pick<MemberView, "userId" | "email" | "role" | "signsOff"> &
  Partial<Pick<MemberView, "name" | "organisation" | "side">>;

type AddResult = { kind: "added"; member: AddedMember } | { kind: "invited" };

/**
 * Invitations: adding an email nobody has to a plan (or, for administrators, to Coplan) sends a
 * one-time link, good for 7 days, whose page makes the account and the membership. Only the
 * link's hash is stored.
 */
export class InvitationService {
  private readonly perInviter: RateLimit;
  private readonly perAddress: RateLimit;

  constructor(
    private readonly db: SqliteDb,
    private readonly members: MemberService,
    private readonly mail: MailQueue,
    private readonly links: PublicLinks,
    private readonly onSignedUp: (userId: string) => Promise<string>,
    limits: LimitStore,
  ) {
    this.perInviter = new RateLimit(limits, "invitations-per-inviter", INVITATION_LIMITS.perInviter);
    this.perAddress = new RateLimit(limits, "invitations-per-address", INVITATION_LIMITS.perAddress);
  }

  /**
   * Adds the person to the plan if they have an account, or invites them if not. Inviting an
   * email that already has an invitation to this plan sends it again with a fresh link.
   */
  async addOrInvite(
    actor: SessionUser,
    planId: string,
    input: { email: string; role: Role; organisation?: string; side?: Side },
  ): Promise<AddResult> {
    const email = input.email.trim().toLowerCase();
    if (!z.email().safeParse(email).success) throw new Refusal("invalid", "email: enter a valid email address");
    const existing = this.db.select({ id: users.id }).from(users).where(eq(users.email, email)).get();
    if (existing) {
      const member = await this.members.add(actor.id, planId, { email, role: input.role });
      return { kind: "added", member: asAddedBy(actor, member) };
    }
    await this.withinLimits(actor, email);
    const pending = this.pendingRow(email, planId);
    if (pending) {
      this.db
        .update(invitations)
        .set({
          role: input.role,
          organisation: input.organisation ?? pending.organisation,
          side: input.side ?? pending.side,
        })
        .where(eq(invitations.id, pending.id))
        .run();
      this.sendAgain(actor, planId, pending.id);
      return { kind: "invited" };
    }
    this.create(actor, {
      email,
      planId,
      role: input.role,
      organisation: input.organisation ?? actor.organisation,
      side: input.side ?? actor.side,
    });
    return { kind: "invited" };
  }

  /** An administrator's invitation to Coplan itself, with no plan. */
  async inviteToInstance(actor: SessionUser, input: { email: string; organisation: string; side: Side }) {
    const email = input.email.trim().toLowerCase();
    if (this.db.select({ id: users.id }).from(users).where(eq(users.email, email)).get()) {
      throw new Refusal("conflict", `${email} already has an account`);
    }
    await this.withinLimits(actor, email);
    this.create(actor, { ...input, email, planId: null, role: null });
  }

  pendingForPlan(planId: string | null): PendingInvitation[] {
    return this.db
      .select({
        id: invitations.id,
        email: invitations.email,
        role: invitations.role,
        organisation: invitations.organisation,
        side: invitations.side,
        invitedBy: users.name,
        createdAt: invitations.createdAt,
        expiresAt: invitations.expiresAt,
      })
      .from(invitations)
      .innerJoin(users, eq(users.id, invitations.invitedBy))
      .where(
        and(
          planId === null ? isNull(invitations.planId) : eq(invitations.planId, planId),
          isNull(invitations.acceptedAt),
          isNull(invitations.withdrawnAt),
        ),
      )
      .orderBy(asc(invitations.email))
      .all();
  }

  /** Sends the invitation again with a new link (the old one stops working) valid 7 more days. */
  async resend(actor: SessionUser, planId: string | null, invitationId: string): Promise<void> {
    await this.withinLimits(actor, this.openInvitation(planId, invitationId).email);
    this.sendAgain(actor, planId, invitationId);
  }

  private sendAgain(actor: SessionUser, planId: string | null, invitationId: string): void {
    // Read (again) now: it may have been withdrawn while the limits were checked, or just changed.
    const invitation = this.openInvitation(planId, invitationId);
    const { token, hash } = newLinkToken();
    this.db
      .update(invitations)
      .set({ tokenHash: hash, expiresAt: new Date(Date.now() + INVITATION_DAYS * DAY_MS) })
      .where(eq(invitations.id, invitation.id))
      .run();
    recordAuditSync(this.db, {
      planId,
      userId: actor.id,
      type: "invitation.resent",
      detail: { email: invitation.email },
    });
    this.send(actor, { ...invitation }, token);
  }

  withdraw(actor: SessionUser, planId: string | null, invitationId: string): void {
    const invitation = this.openInvitation(planId, invitationId);
    this.db.update(invitations).set({ withdrawnAt: new Date() }).where(eq(invitations.id, invitation.id)).run();
    recordAuditSync(this.db, {
      planId,
      userId: actor.id,
      type: "invitation.withdrawn",
      detail: { email: invitation.email },
    });
  }

  /** The invitation a link stands for, while it can still be accepted; null otherwise. */
  describe(token: string): InvitationView | null {
    const row = this.usable(token);
    if (!row) return null;
    const inviter = this.db.select({ name: users.name }).from(users).where(eq(users.id, row.invitedBy)).get();
    return {
      email: row.email,
      planTitle: row.planId ? this.planTitle(row.planId) : null,
      role: row.role,
      inviterName: inviter?.name ?? "Someone",
      accountExists: Boolean(this.db.select({ id: users.id }).from(users).where(eq(users.email, row.email)).get()),
    };
  }

  /**
   * Accepts an invitation with a new account: makes the user and the membership, uses up the
   * link, and answers the Set-Cookie of a session for them and where to go next.
   */
  async accept(token: string, input: { name: string; password: string }): Promise<{ setCookie: string; to: string }> {
    // The link first: a made-up one costs a lookup, not an argon2 hash.
    if (!this.usable(token)) throw unusableInvitation();
    const details = acceptInvitationSchema.safeParse(input);
    if (!details.success) throw new Refusal("invalid", details.error.issues[0]!.message);
    const passwordHash = await hashPassword(details.data.password);
    const userId = randomUUID();
    const invitation = this.db.transaction((tx) => {
      const row = this.usable(token, tx);
      if (!row) throw unusableInvitation();
      if (tx.select({ id: users.id }).from(users).where(eq(users.email, row.email)).get()) {
        throw new Refusal("conflict", "an account with this email already exists: sign in to accept");
      }
      tx.insert(users)
        .values({
          id: userId,
          email: row.email,
          name: details.data.name,
          organisation: row.organisation,
          side: row.side,
          passwordHash,
        })
        .run();
      this.useUp(tx, row, userId);
      return row;
    });
    if (invitation.planId && invitation.role) this.members.notifyAccess(invitation.planId, userId, invitation.role);
    return {
      setCookie: await this.onSignedUp(userId),
      to: invitation.planId ? `/plans/${invitation.planId}` : "/plans",
    };
  }

  /** Accepts an invitation as someone already signed in with the invited email. */
  acceptAsUser(token: string, user: SessionUser): { to: string } {
    const invitation = this.db.transaction((tx) => {
      const row = this.usable(token, tx);
      if (!row) throw unusableInvitation();
      if (row.email !== user.email) {
        throw new Refusal("forbidden", `this invitation is for ${row.email}; sign in with that email to accept it`);
      }
      this.useUp(tx, row, user.id);
      return row;
    });
    if (invitation.planId && invitation.role) this.members.notifyAccess(invitation.planId, user.id, invitation.role);
    return { to: invitation.planId ? `/plans/${invitation.planId}` : "/plans" };
  }

  /** A 429 once the inviter, or anyone, has sent this address (or the inviter, anyone) too many lately. */
  private async withinLimits(actor: SessionUser, email: string): Promise<void> {
    const wait = Math.max(await this.perInviter.take(actor.id), await this.perAddress.take(email));
    if (wait > 0) throw tooMany("too many invitation emails sent lately", wait);
  }

  private useUp(
    tx: Pick<SqliteDb, "select" | "insert" | "update" | "transaction">,
    row: Invitation,
    userId: string,
  ): void {
    tx.update(invitations).set({ acceptedAt: new Date() }).where(eq(invitations.id, row.id)).run();
    if (row.planId && row.role) {
      const already = tx
        .select({ role: planMembers.role })
        .from(planMembers)
        .where(and(eq(planMembers.planId, row.planId), eq(planMembers.userId, userId)))
        .get();
      if (!already) tx.insert(planMembers).values({ planId: row.planId, userId, role: row.role }).run();
    }
    recordAuditSync(tx, {
      planId: row.planId,
      userId,
      type: "invitation.accepted",
      detail: { email: row.email, role: row.role },
    });
  }

  private create(
    actor: SessionUser,
    input: { email: string; planId: string | null; role: Role | null; organisation: string; side: Side },
  ): void {
    const { token, hash } = newLinkToken();
    this.db.transaction((tx) => {
      tx.insert(invitations)
        .values({
          id: randomUUID(),
          tokenHash: hash,
          email: input.email,
          planId: input.planId,
          role: input.role,
          organisation: input.organisation,
          side: input.side,
          invitedBy: actor.id,
          expiresAt: new Date(Date.now() + INVITATION_DAYS * DAY_MS),
        })
        .run();
      recordAuditSync(tx, {
        planId: input.planId,
        userId: actor.id,
        type: "invitation.sent",
        detail: { email: input.email, role: input.role },
      });
    });
    this.send(actor, input, token);
  }

  private send(
    actor: SessionUser,
    invitation: { email: string; planId: string | null; role: Role | null },
    token: string,
  ) {
    this.mail.enqueue({
      to: invitation.email,
      ...invitationMail({
        inviterName: actor.name,
        planTitle: invitation.planId ? this.planTitle(invitation.planId) : null,
        role: invitation.role,
        link: this.links.url(`/invitations/${token}`),
      }),
    });
  }

  private planTitle(planId: string): string | null {
    return this.db.select({ title: plans.title }).from(plans).where(eq(plans.id, planId)).get()?.title ?? null;
  }

  private pendingRow(email: string, planId: string): Invitation | undefined {
    return this.db
      .select()
      .from(invitations)
      .where(
        and(
          eq(invitations.email, email),
          eq(invitations.planId, planId),
          isNull(invitations.acceptedAt),
          isNull(invitations.withdrawnAt),
        ),
      )
      .get();
  }

  private openInvitation(planId: string | null, invitationId: string): Invitation {
    const row = this.db
      .select()
      .from(invitations)
      .where(
        and(
          eq(invitations.id, invitationId),
          planId === null ? isNull(invitations.planId) : eq(invitations.planId, planId),
          isNull(invitations.acceptedAt),
          isNull(invitations.withdrawnAt),
        ),
      )
      .get();
    if (!row) throw new Refusal("not-found", "no pending invitation has that id");
    return row;
  }

  private usable(token: string, tx: Pick<SqliteDb, "select"> = this.db): Invitation | undefined {
    if (typeof token !== "string" || token.length < 20 || token.length > 100) return undefined;
    return tx
      .select()
      .from(invitations)
      .where(
        and(
          eq(invitations.tokenHash, hashLinkToken(token)),
          isNull(invitations.acceptedAt),
          isNull(invitations.withdrawnAt),
          gt(invitations.expiresAt, new Date()),
        ),
      )
      .get();
  }
}

function unusableInvitation(): Refusal {
  return new Refusal("not-found", "this invitation link has been used, withdrawn or has expired");
}

function asAddedBy(actor: SessionUser, member: MemberView): AddedMember {
  if (member.organisation === actor.organisation) return member;
  return { userId: member.userId, email: member.email, role: member.role, signsOff: member.signsOff };
}
