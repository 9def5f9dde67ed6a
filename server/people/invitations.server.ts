import { randomUUID } from "node:crypto";
import { and, asc, eq, gt, isNull } from "drizzle-orm";
import { z } from "zod";
import { Refusal, tooMany } from "../../app/shared/errors";
import type { Role, Side } from "../../app/shared/permissions";
import type { Db, Store } from "../../db/store.server";
import type { Invitation } from "../../db/schema";
import type { SessionUser } from "../auth/sessions.server";
import { hashPassword } from "../auth/passwords.server";
import { newUserSchema } from "../auth/users.server";
import type { MailQueue } from "../mail/mail-queue.server";
import { invitationMail } from "../mail/messages.server";
import type { PublicLinks } from "../mail/public-links.server";
import type { MemberService, MemberView } from "../plans/members.server";
import { recordAudit } from "../plans/audit.server";
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
    private readonly store: Store,
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
    if (await this.accountOf(email)) {
      const member = await this.members.add(actor.id, planId, { email, role: input.role });
      return { kind: "added", member: asAddedBy(actor, member) };
    }
    await this.withinLimits(actor, email);
    const { invitations } = this.store.tables;
    const { invitation, token } = await this.store.transaction(async (tx) => {
      // Two invitations of one email to one plan at once would each find none pending, and make two.
      await this.store.lock(tx, `invitations:${planId}:${email}`);
      const pending = await this.pendingRow(tx, email, planId);
      if (!pending) {
        return this.insert(tx, actor, {
          email,
          planId,
          role: input.role,
          organisation: input.organisation ?? actor.organisation,
          side: input.side ?? actor.side,
        });
      }
      await tx
        .update(invitations)
        .set({
          role: input.role,
          organisation: input.organisation ?? pending.organisation,
          side: input.side ?? pending.side,
        })
        .where(eq(invitations.id, pending.id));
      return this.renew(tx, actor, planId, pending.id);
    });
    await this.send(actor, invitation, token);
    return { kind: "invited" };
  }

  /** An administrator's invitation to Coplan itself, with no plan. */
  async inviteToInstance(actor: SessionUser, input: { email: string; organisation: string; side: Side }) {
    const email = input.email.trim().toLowerCase();
    if (await this.accountOf(email)) throw new Refusal("conflict", `${email} already has an account`);
    await this.withinLimits(actor, email);
    const { invitation, token } = await this.store.transaction((tx) =>
      this.insert(tx, actor, { ...input, email, planId: null, role: null }),
    );
    await this.send(actor, invitation, token);
  }

  pendingForPlan(planId: string | null): Promise<PendingInvitation[]> {
    const { invitations, users } = this.store.tables;
    return this.store.db
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
      .orderBy(asc(invitations.email), asc(invitations.id));
  }

  /** Sends the invitation again with a new link (the old one stops working) valid 7 more days. */
  async resend(actor: SessionUser, planId: string | null, invitationId: string): Promise<void> {
    await this.withinLimits(actor, (await this.openInvitation(planId, invitationId)).email);
    // Read again in the transaction: it may have been withdrawn while the limits were checked.
    const { invitation, token } = await this.store.transaction((tx) => this.renew(tx, actor, planId, invitationId));
    await this.send(actor, invitation, token);
  }

  /** A new link for the open invitation, valid 7 more days; the old one stops working. */
  private async renew(
    tx: Db,
    actor: SessionUser,
    planId: string | null,
    invitationId: string,
  ): Promise<{ invitation: Invitation; token: string }> {
    const { invitations } = this.store.tables;
    const { token, hash } = newLinkToken();
    const [invitation] = await tx
      .update(invitations)
      .set({ tokenHash: hash, expiresAt: new Date(Date.now() + INVITATION_DAYS * DAY_MS) })
      .where(this.open(planId, invitationId))
      .returning();
    if (!invitation) throw noPendingInvitation();
    await recordAudit(
      this.store,
      { planId, userId: actor.id, type: "invitation.resent", detail: { email: invitation.email } },
      tx,
    );
    return { invitation, token };
  }

  async withdraw(actor: SessionUser, planId: string | null, invitationId: string): Promise<void> {
    const { invitations } = this.store.tables;
    await this.store.transaction(async (tx) => {
      const [invitation] = await tx
        .update(invitations)
        .set({ withdrawnAt: new Date() })
        .where(this.open(planId, invitationId))
        .returning({ email: invitations.email });
      if (!invitation) throw noPendingInvitation();
      await recordAudit(
        this.store,
        { planId, userId: actor.id, type: "invitation.withdrawn", detail: { email: invitation.email } },
        tx,
      );
    });
  }

  /** The invitation a link stands for, while it can still be accepted; null otherwise. */
  async describe(token: string): Promise<InvitationView | null> {
    const row = await this.usable(token);
    if (!row) return null;
    const { users } = this.store.tables;
    const [inviter] = await this.store.db.select({ name: users.name }).from(users).where(eq(users.id, row.invitedBy));
    return {
      email: row.email,
      planTitle: row.planId ? await this.planTitle(row.planId) : null,
      role: row.role,
      inviterName: inviter?.name ?? "Someone",
      accountExists: Boolean(await this.accountOf(row.email)),
    };
  }

  /**
   * Accepts an invitation with a new account: makes the user and the membership, uses up the
   * link, and answers the Set-Cookie of a session for them and where to go next.
   */
  async accept(token: string, input: { name: string; password: string }): Promise<{ setCookie: string; to: string }> {
    // The link first: a made-up one costs a lookup, not an argon2 hash.
    if (!(await this.usable(token))) throw unusableInvitation();
    const details = acceptInvitationSchema.safeParse(input);
    if (!details.success) throw new Refusal("invalid", details.error.issues[0]!.message);
    const passwordHash = await hashPassword(details.data.password);
    const userId = randomUUID();
    const { users } = this.store.tables;
    const invitation = await this.store.transaction(async (tx) => {
      const row = await this.usable(token, tx);
      if (!row) throw unusableInvitation();
      // The unique email refuses an account made meanwhile (by another invitation to the same email).
      const [created] = await tx
        .insert(users)
        .values({
          id: userId,
          email: row.email,
          name: details.data.name,
          organisation: row.organisation,
          side: row.side,
          passwordHash,
        })
        .onConflictDoNothing({ target: users.email })
        .returning({ id: users.id });
      if (!created) throw new Refusal("conflict", "an account with this email already exists: sign in to accept");
      await this.useUp(tx, row, userId);
      return row;
    });
    if (invitation.planId && invitation.role) this.members.notifyAccess(invitation.planId, userId, invitation.role);
    return {
      setCookie: await this.onSignedUp(userId),
      to: invitation.planId ? `/plans/${invitation.planId}` : "/plans",
    };
  }

  /** Accepts an invitation as someone already signed in with the invited email. */
  async acceptAsUser(token: string, user: SessionUser): Promise<{ to: string }> {
    const invitation = await this.store.transaction(async (tx) => {
      const row = await this.usable(token, tx);
      if (!row) throw unusableInvitation();
      if (row.email !== user.email) {
        throw new Refusal("forbidden", `this invitation is for ${row.email}; sign in with that email to accept it`);
      }
      await this.useUp(tx, row, user.id);
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

  /**
   * Uses up the link, on the condition that it is still open: of two acceptances at once, the
   * second finds it used and is refused (rolling back the account it made).
   */
  private async useUp(tx: Db, row: Invitation, userId: string): Promise<void> {
    const { invitations, planMembers } = this.store.tables;
    const [used] = await tx
      .update(invitations)
      .set({ acceptedAt: new Date() })
      .where(and(eq(invitations.id, row.id), isNull(invitations.acceptedAt), isNull(invitations.withdrawnAt)))
      .returning({ id: invitations.id });
    if (!used) throw unusableInvitation();
    if (row.planId && row.role) {
      // Someone already a member keeps the role they have.
      await tx.insert(planMembers).values({ planId: row.planId, userId, role: row.role }).onConflictDoNothing();
    }
    await recordAudit(
      this.store,
      { planId: row.planId, userId, type: "invitation.accepted", detail: { email: row.email, role: row.role } },
      tx,
    );
  }

  private async insert(
    tx: Db,
    actor: SessionUser,
    input: { email: string; planId: string | null; role: Role | null; organisation: string; side: Side },
  ): Promise<{ invitation: Invitation; token: string }> {
    const { invitations } = this.store.tables;
    const { token, hash } = newLinkToken();
    const [invitation] = await tx
      .insert(invitations)
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
      .returning();
    await recordAudit(
      this.store,
      {
        planId: input.planId,
        userId: actor.id,
        type: "invitation.sent",
        detail: { email: input.email, role: input.role },
      },
      tx,
    );
    return { invitation: invitation!, token };
  }

  private async send(
    actor: SessionUser,
    invitation: { email: string; planId: string | null; role: Role | null },
    token: string,
  ): Promise<void> {
    await this.mail.enqueue({
      to: invitation.email,
      ...invitationMail({
        inviterName: actor.name,
        planTitle: invitation.planId ? await this.planTitle(invitation.planId) : null,
        role: invitation.role,
        link: this.links.url(`/invitations/${token}`),
      }),
    });
  }

  private async accountOf(email: string): Promise<{ id: string } | undefined> {
    const { users } = this.store.tables;
    const [user] = await this.store.db.select({ id: users.id }).from(users).where(eq(users.email, email));
    return user;
  }

  private async planTitle(planId: string): Promise<string | null> {
    const { plans } = this.store.tables;
    const [plan] = await this.store.db.select({ title: plans.title }).from(plans).where(eq(plans.id, planId));
    return plan?.title ?? null;
  }

  private async pendingRow(tx: Db, email: string, planId: string): Promise<Invitation | undefined> {
    const { invitations } = this.store.tables;
    const [row] = await tx
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
      .limit(1);
    return row;
  }

  /** The condition of the invitation being open (not accepted, not withdrawn) and the plan's. */
  private open(planId: string | null, invitationId: string) {
    const { invitations } = this.store.tables;
    return and(
      eq(invitations.id, invitationId),
      planId === null ? isNull(invitations.planId) : eq(invitations.planId, planId),
      isNull(invitations.acceptedAt),
      isNull(invitations.withdrawnAt),
    );
  }

  private async openInvitation(planId: string | null, invitationId: string): Promise<Invitation> {
    const { invitations } = this.store.tables;
    const [row] = await this.store.db.select().from(invitations).where(this.open(planId, invitationId));
    if (!row) throw noPendingInvitation();
    return row;
  }

  private async usable(token: string, db: Db = this.store.db): Promise<Invitation | undefined> {
    if (typeof token !== "string" || token.length < 20 || token.length > 100) return undefined;
    const { invitations } = this.store.tables;
    const [row] = await db
      .select()
      .from(invitations)
      .where(
        and(
          eq(invitations.tokenHash, hashLinkToken(token)),
          isNull(invitations.acceptedAt),
          isNull(invitations.withdrawnAt),
          gt(invitations.expiresAt, new Date()),
        ),
      );
    return row;
  }
}

function noPendingInvitation(): Refusal {
  return new Refusal("not-found", "no pending invitation has that id");
}

function unusableInvitation(): Refusal {
  return new Refusal("not-found", "this invitation link has been used, withdrawn or has expired");
}

function asAddedBy(actor: SessionUser, member: MemberView): AddedMember {
  if (member.organisation === actor.organisation) return member;
  return { userId: member.userId, email: member.email, role: member.role, signsOff: member.signsOff };
}
