import { and, asc, desc, eq, gt, inArray, isNull, lte, or, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Role } from "../../app/shared/permissions";
import type { SqliteDb } from "../../db/client.server";
import { deputyships, planMembers, plans, users, type Plan } from "../../db/schema";
import type { Clock } from "../clock.server";

/**
 * Who is asking, for the views across plans (portfolio, search): a member sees their plans, a
 * deputy the plans of the signatories they stand in for; an instance administrator sees every plan.
 */
export interface Viewer {
  id: string;
  isAdmin?: boolean;
}

export interface Person {
  id: string;
  name: string;
  organisation: string;
}

/** What one person may do on one plan. */
export interface PlanAccess {
  plan: Plan;
  /** Their member role; `viewer` when they are there only as a deputy. */
  role: Role;
  /** An owner who also signs off (members only). */
  signsOff: boolean;
  member: boolean;
  /** The plan's signatories they stand in for now (decision 0041): they read, and sign for them. */
  standsInFor: Person[];
}

export interface PlanSummary {
  id: string;
  title: string;
  area: string;
  templateId: string;
  role: Role;
  createdAt: Date;
  standsInFor: Person[];
}

export interface StandIn {
  deputy: Person;
  signatory: Person;
  /** The last day of the period, `YYYY-MM-DD` (Europe/London). */
  untilDate: string;
}

const signatory = alias(users, "signatory");
const deputy = alias(users, "deputy");

/** A member who signs off: a signatory, or an owner made one. */
const signsOffMember = or(
  eq(planMembers.role, "signatory"),
  and(eq(planMembers.role, "owner"), eq(planMembers.signsOff, true)),
);

/**
 * Whether someone may open a plan, and with what: the one place it is decided (decision 0041).
 * Membership gives a role; a running deputyship gives reading and signing for the signatory on
 * the plans where that signatory signs off, without membership. Access through a deputyship
 * never passes on: a deputy's own deputy gets only the deputy's own plans.
 */
export class PlanAccessService {
  constructor(
    private readonly db: SqliteDb,
    private readonly clock: Clock,
  ) {}

  /** The user's access to the plan, or null when they may not open it (the plan may not exist). */
  find(planId: string, userId: string): PlanAccess | null {
    const membership = this.db
      .select({ plan: plans, role: planMembers.role, signsOff: planMembers.signsOff })
      .from(planMembers)
      .innerJoin(plans, eq(plans.id, planMembers.planId))
      .where(and(eq(planMembers.planId, planId), eq(planMembers.userId, userId)))
      .get();
    const standsInFor = this.standsInFor(planId, userId);
    if (membership) return { ...membership, member: true, standsInFor };
    if (standsInFor.length === 0) return null;
    const plan = this.db.select().from(plans).where(eq(plans.id, planId)).get();
    return plan ? { plan, role: "viewer", signsOff: false, member: false, standsInFor } : null;
  }

  /** True when the viewer may read the plan. */
  mayRead(viewer: Viewer, planId: string): boolean {
    if (viewer.isAdmin) return true;
    return this.find(planId, viewer.id) !== null;
  }

  /** The ids of the plans the user may read, as SQL for `in (...)` inside a bigger query. */
  readablePlanIds(userId: string): SQL {
    const now = this.clock();
    return sql`(select ${planMembers.planId} from ${planMembers} where ${planMembers.userId} = ${userId}
      union select m.plan_id from ${deputyships} d
        join ${planMembers} m on m.user_id = d.signatory_id
        join ${users} s on s.id = d.signatory_id
        where d.deputy_id = ${userId} and d.ended_at is null and d.starts_at <= ${now} and d.ends_at > ${now}
          and s.deactivated_at is null
          and (m.role = 'signatory' or (m.role = 'owner' and m.signs_off = 1)))`;
  }

  /** The plans the viewer may read, oldest first. */
  visiblePlans(viewer: Viewer): Plan[] {
    const query = this.db.select().from(plans);
    return (viewer.isAdmin ? query : query.where(inArray(plans.id, this.readablePlanIds(viewer.id))))
      .orderBy(asc(plans.createdAt))
      .all();
  }

  /** The plan, if the viewer may read it. */
  visiblePlan(viewer: Viewer, planId: string): Plan | undefined {
    if (viewer.isAdmin) return this.db.select().from(plans).where(eq(plans.id, planId)).get();
    return this.find(planId, viewer.id)?.plan;
  }

  /** The plans the user may open, newest first, with their role and whom they stand in for. */
  listForUser(userId: string): PlanSummary[] {
    return this.db
      .select({ id: plans.id })
      .from(plans)
      .where(inArray(plans.id, this.readablePlanIds(userId)))
      .orderBy(desc(plans.createdAt))
      .all()
      .map(({ id }) => this.find(id, userId))
      .filter((access): access is PlanAccess => access !== null)
      .map(({ plan, role, standsInFor }) => ({
        id: plan.id,
        title: plan.title,
        area: plan.area,
        templateId: plan.templateId,
        role,
        createdAt: plan.createdAt,
        standsInFor,
      }));
  }

  /** Who stands in for whom on the plan now, for its owners. */
  standIns(planId: string): StandIn[] {
    const now = new Date(this.clock());
    return this.db
      .select({
        deputy: { id: deputy.id, name: deputy.name, organisation: deputy.organisation },
        signatory: { id: signatory.id, name: signatory.name, organisation: signatory.organisation },
        untilDate: deputyships.untilDate,
      })
      .from(deputyships)
      .innerJoin(signatory, eq(signatory.id, deputyships.signatoryId))
      .innerJoin(deputy, eq(deputy.id, deputyships.deputyId))
      .innerJoin(planMembers, eq(planMembers.userId, deputyships.signatoryId))
      .where(and(this.runningAt(now), eq(planMembers.planId, planId), signsOffMember, isNull(signatory.deactivatedAt)))
      .orderBy(asc(signatory.name))
      .all();
  }

  /** The people standing in for the signatory now (their access follows the signatory's). */
  deputiesOf(signatoryId: string): string[] {
    const now = new Date(this.clock());
    return this.db
      .selectDistinct({ id: deputyships.deputyId })
      .from(deputyships)
      .where(and(this.runningAt(now), eq(deputyships.signatoryId, signatoryId)))
      .all()
      .map((row) => row.id);
  }

  /** The plan's signatories the user stands in for now. */
  private standsInFor(planId: string, userId: string): Person[] {
    const now = new Date(this.clock());
    return this.db
      .select({ id: signatory.id, name: signatory.name, organisation: signatory.organisation })
      .from(deputyships)
      .innerJoin(signatory, eq(signatory.id, deputyships.signatoryId))
      .innerJoin(planMembers, eq(planMembers.userId, deputyships.signatoryId))
      .where(
        and(
          this.runningAt(now),
          eq(deputyships.deputyId, userId),
          eq(planMembers.planId, planId),
          signsOffMember,
          isNull(signatory.deactivatedAt),
        ),
      )
      .orderBy(asc(signatory.name))
      .all();
  }

  private runningAt(now: Date): SQL {
    return and(isNull(deputyships.endedAt), lte(deputyships.startsAt, now), gt(deputyships.endsAt, now))!;
  }
}
