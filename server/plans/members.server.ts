import { and, asc, eq } from "drizzle-orm";
import { Refusal } from "../../app/shared/errors";
import type { Role } from "../../app/shared/permissions";
import type { SqliteDb } from "../../db/client.server";
import { planMembers, users } from "../../db/schema";
import { recordAuditSync } from "./audit.server";

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
    private readonly db: SqliteDb,
    private readonly onAccessChange: AccessListener,
  ) {}

  list(planId: string): MemberView[] {
    return this.db
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
      .orderBy(asc(users.name))
      .all();
  }

  add(actorId: string, planId: string, input: { email: string; role: Role }): MemberView {
    const email = input.email.trim().toLowerCase();
    const user = this.db.select().from(users).where(eq(users.email, email)).get();
    if (!user) {
      throw new Refusal("not-found", `no user has the email ${email}; an administrator creates users first`);
    }
    const member = this.db.transaction((tx) => {
      if (this.roleIn(tx, planId, user.id)) {
        throw new Refusal("conflict", `${user.name} is already a member of this plan`);
      }
      tx.insert(planMembers).values({ planId, userId: user.id, role: input.role }).run();
      recordAuditSync(tx, {
        planId,
        userId: actorId,
        type: "member.added",
        detail: { memberId: user.id, email, role: input.role },
      });
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

  changeRole(actorId: string, planId: string, userId: string, role: Role): void {
    this.db.transaction((tx) => {
      const current = this.roleIn(tx, planId, userId);
      if (!current) throw new Refusal("not-found", "that user is not a member of this plan");
      if (current === role) return;
      if (current === "owner") this.assertAnotherOwner(tx, planId, "demote");
      tx.update(planMembers)
        .set({ role, signsOff: false })
        .where(and(eq(planMembers.planId, planId), eq(planMembers.userId, userId)))
        .run();
      recordAuditSync(tx, {
        planId,
        userId: actorId,
        type: "member.role-changed",
        detail: { memberId: userId, from: current, to: role },
      });
    });
    this.onAccessChange(planId, userId, role);
  }

  /** Applies a PATCH of a member: the role first, so a new owner may be made a signatory at once. */
  change(actorId: string, planId: string, userId: string, change: { role?: Role; signsOff?: boolean }): void {
    if (change.role !== undefined) this.changeRole(actorId, planId, userId, change.role);
    if (change.signsOff !== undefined) this.setSignsOff(actorId, planId, userId, change.signsOff);
  }

  /** Makes an owner also a signatory for their side, or no longer one. */
  setSignsOff(actorId: string, planId: string, userId: string, signsOff: boolean): void {
    this.db.transaction((tx) => {
      const current = this.roleIn(tx, planId, userId);
      if (!current) throw new Refusal("not-found", "that user is not a member of this plan");
      if (current !== "owner") {
        throw new Refusal(
          "invalid",
          "signsOff: only an owner is made a signatory this way; give others the signatory role",
        );
      }
      tx.update(planMembers)
        .set({ signsOff })
        .where(and(eq(planMembers.planId, planId), eq(planMembers.userId, userId)))
        .run();
      recordAuditSync(tx, {
        planId,
        userId: actorId,
        type: "member.signs-off-changed",
        detail: { memberId: userId, signsOff },
      });
    });
    // Whether the owner signs off decides whether their deputy may open the plan.
    this.onAccessChange(planId, userId, "owner");
  }

  remove(actorId: string, planId: string, userId: string): void {
    this.db.transaction((tx) => {
      const current = this.roleIn(tx, planId, userId);
      if (!current) throw new Refusal("not-found", "that user is not a member of this plan");
      if (current === "owner") this.assertAnotherOwner(tx, planId, "remove");
      tx.delete(planMembers)
        .where(and(eq(planMembers.planId, planId), eq(planMembers.userId, userId)))
        .run();
      recordAuditSync(tx, {
        planId,
        userId: actorId,
        type: "member.removed",
        detail: { memberId: userId, role: current },
      });
    });
    this.onAccessChange(planId, userId, null);
  }

  private roleIn(tx: Pick<SqliteDb, "select">, planId: string, userId: string): Role | undefined {
    return tx
      .select({ role: planMembers.role })
      .from(planMembers)
      .where(and(eq(planMembers.planId, planId), eq(planMembers.userId, userId)))
      .get()?.role;
  }

  private assertAnotherOwner(tx: Pick<SqliteDb, "select">, planId: string, verb: string): void {
    const owners = tx
      .select({ userId: planMembers.userId })
      .from(planMembers)
      .where(and(eq(planMembers.planId, planId), eq(planMembers.role, "owner")))
      .all();
    if (owners.length <= 1) {
      throw new Refusal("conflict", `cannot ${verb} the plan's last owner; make someone else an owner first`);
    }
  }
}
