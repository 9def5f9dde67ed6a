import { and, asc, eq } from "drizzle-orm";
import { Refusal } from "../../app/shared/errors";
import type { Role } from "../../app/shared/permissions";
import type { Db, Store } from "../../db/store.server";
import { recordAudit } from "./audit.server";

/** Told of every change of who may open a plan, so open connections follow at once. */
export type AccessListener = (planId: string, userId: string, role: Role | null) => void;

export interface MemberView {
  userId: string;
  email: string;
  name: string;
  organisation: string;
  side: "local" | "whitehall";
  role: Role;
  signsOff: boolean;
}

/** Who belongs to a plan and with which role. Every change is audited. */
export class MemberService {
  constructor(
    private readonly store: Store,
    private readonly onAccessChange: AccessListener,
  ) {}

  list(planId: string): Promise<MemberView[]> {
    const { planMembers, users } = this.store.tables;
    return this.store.db
      .select({
        userId: users.id,
        email: users.email,
        name: users.name,
        organisation: users.organisation,
        side: users.side,
        role: planMembers.role,
        signsOff: planMembers.signsOff,
      })
      .from(planMembers)
      .innerJoin(users, eq(users.id, planMembers.userId))
      .where(eq(planMembers.planId, planId))
      .orderBy(asc(users.name));
  }

  async add(actorId: string, planId: string, input: { email: string; role: Role }): Promise<MemberView> {
    const { planMembers, users } = this.store.tables;
    const email = input.email.trim().toLowerCase();
    const [user] = await this.store.db.select().from(users).where(eq(users.email, email));
    if (!user) {
      throw new Refusal("not-found", `no user has the email ${email}; an administrator creates users first`);
    }
    const member = await this.store.transaction(async (tx) => {
      await this.lockMembers(tx, planId);
      if (await this.roleIn(tx, planId, user.id)) {
        throw new Refusal("conflict", `${user.name} is already a member of this plan`);
      }
      await tx.insert(planMembers).values({ planId, userId: user.id, role: input.role });
      await recordAudit(
        this.store,
        {
          planId,
          userId: actorId,
          type: "member.added",
          detail: { memberId: user.id, email, role: input.role },
        },
        tx,
      );
      return {
        userId: user.id,
        email,
        name: user.name,
        organisation: user.organisation,
        side: user.side,
        role: input.role,
        signsOff: false,
      };
    });
    this.onAccessChange(planId, user.id, input.role);
    return member;
  }

  /** Tells open connections of a membership made elsewhere (an accepted invitation). */
  notifyAccess(planId: string, userId: string, role: Role): void {
    this.onAccessChange(planId, userId, role);
  }

  async changeRole(actorId: string, planId: string, userId: string, role: Role): Promise<void> {
    const { planMembers } = this.store.tables;
    await this.store.transaction(async (tx) => {
      await this.lockMembers(tx, planId);
      const current = await this.roleIn(tx, planId, userId);
      if (!current) throw new Refusal("not-found", "that user is not a member of this plan");
      if (current === role) return;
      if (current === "owner") await this.assertAnotherOwner(tx, planId, "demote");
      await tx
        .update(planMembers)
        .set({ role, signsOff: false })
        .where(and(eq(planMembers.planId, planId), eq(planMembers.userId, userId)));
      await recordAudit(
        this.store,
        {
          planId,
          userId: actorId,
          type: "member.role-changed",
          detail: { memberId: userId, from: current, to: role },
        },
        tx,
      );
    });
    this.onAccessChange(planId, userId, role);
  }

  /** Applies a PATCH of a member: the role first, so a new owner may be made a signatory at once. */
  async change(
    actorId: string,
    planId: string,
    userId: string,
    change: { role?: Role; signsOff?: boolean },
  ): Promise<void> {
    if (change.role !== undefined) await this.changeRole(actorId, planId, userId, change.role);
    if (change.signsOff !== undefined) await this.setSignsOff(actorId, planId, userId, change.signsOff);
  }

  /** Makes an owner also a signatory for their side, or no longer one. */
  async setSignsOff(actorId: string, planId: string, userId: string, signsOff: boolean): Promise<void> {
    const { planMembers } = this.store.tables;
    await this.store.transaction(async (tx) => {
      await this.lockMembers(tx, planId);
      const current = await this.roleIn(tx, planId, userId);
      if (!current) throw new Refusal("not-found", "that user is not a member of this plan");
      if (current !== "owner") {
        throw new Refusal(
          "invalid",
          "signsOff: only an owner is made a signatory this way; give others the signatory role",
        );
      }
      await tx
        .update(planMembers)
        .set({ signsOff })
        .where(and(eq(planMembers.planId, planId), eq(planMembers.userId, userId)));
      await recordAudit(
        this.store,
        {
          planId,
          userId: actorId,
          type: "member.signs-off-changed",
          detail: { memberId: userId, signsOff },
        },
        tx,
      );
    });
    // Whether the owner signs off decides whether their deputy may open the plan.
    this.onAccessChange(planId, userId, "owner");
  }

  async remove(actorId: string, planId: string, userId: string): Promise<void> {
    const { planMembers } = this.store.tables;
    await this.store.transaction(async (tx) => {
      await this.lockMembers(tx, planId);
      const current = await this.roleIn(tx, planId, userId);
      if (!current) throw new Refusal("not-found", "that user is not a member of this plan");
      if (current === "owner") await this.assertAnotherOwner(tx, planId, "remove");
      await tx.delete(planMembers).where(and(eq(planMembers.planId, planId), eq(planMembers.userId, userId)));
      await recordAudit(
        this.store,
        {
          planId,
          userId: actorId,
          type: "member.removed",
          detail: { memberId: userId, role: current },
        },
        tx,
      );
    });
    this.onAccessChange(planId, userId, null);
  }

  /**
   * Every change reads the plan's members before it writes: two at once on PostgreSQL could
   * each see another owner left and take away the last two, or both add the same person.
   */
  private lockMembers(tx: Db, planId: string): Promise<void> {
    return this.store.lock(tx, `members:${planId}`);
  }

  private async roleIn(tx: Db, planId: string, userId: string): Promise<Role | undefined> {
    const { planMembers } = this.store.tables;
    const [row] = await tx
      .select({ role: planMembers.role })
      .from(planMembers)
      .where(and(eq(planMembers.planId, planId), eq(planMembers.userId, userId)));
    return row?.role;
  }

  private async assertAnotherOwner(tx: Db, planId: string, verb: string): Promise<void> {
    const { planMembers } = this.store.tables;
    const owners = await tx
      .select({ userId: planMembers.userId })
      .from(planMembers)
      .where(and(eq(planMembers.planId, planId), eq(planMembers.role, "owner")));
    if (owners.length <= 1) {
      throw new Refusal("conflict", `cannot ${verb} the plan's last owner; make someone else an owner first`);
    }
  }
}
