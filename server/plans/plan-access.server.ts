import { and, asc, desc, eq, gt, inArray, isNull, lte, or, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Role } from "../../app/shared/permissions";
import type { Plan } from "../../db/schema";
import type { Store } from "../../db/store.server";
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

/**
 * Whether someone may open a plan, and with what: the one place it is decided (decision 0041).
 * Membership gives a role; a running deputyship gives reading and signing for the signatory on
 * the plans where that signatory signs off, without membership. Access through a deputyship
 * never passes on: a deputy's own deputy gets only the deputy's own plans.
 */
export class PlanAccessService {
  private readonly signatory;
  private readonly deputy;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {
    this.signatory = alias(store.tables.users, "signatory");
    this.deputy = alias(store.tables.users, "deputy");
  }

  /** The user's access to the plan, or null when they may not open it (the plan may not exist). */
  async find(planId: string, userId: string): Promise<PlanAccess | null> {
    const { plans, planMembers } = this.store.tables;
    const [membership] = await this.store.db
      .select({ plan: plans, role: planMembers.role, signsOff: planMembers.signsOff })
      .from(planMembers)
      .innerJoin(plans, eq(plans.id, planMembers.planId))
      .where(and(eq(planMembers.planId, planId), eq(planMembers.userId, userId)));
    const standsInFor = await this.standsInFor(planId, userId);
    if (membership) return { ...membership, member: true, standsInFor };
    if (standsInFor.length === 0) return null;
    const [plan] = await this.store.db.select().from(plans).where(eq(plans.id, planId));
    return plan ? { plan, role: "viewer", signsOff: false, member: false, standsInFor } : null;
  }

  /** True when the viewer may read the plan. */
  async mayRead(viewer: Viewer, planId: string): Promise<boolean> {
    if (viewer.isAdmin) return true;
    return (await this.find(planId, viewer.id)) !== null;
  }

  /**
   * The ids of the plans the user may read, as SQL for `in (...)` inside a bigger query. Built
   * from the store's tables and columns, so that either dialect renders it and the instants are
   * compared as the columns hold them.
   */
  readablePlanIds(userId: string): SQL {
    const { planMembers, deputyships } = this.store.tables;
    const now = new Date(this.clock());
    const own = this.store.db
      .select({ planId: planMembers.planId })
      .from(planMembers)
      .where(eq(planMembers.userId, userId));
    const standingIn = this.store.db
      .select({ planId: planMembers.planId })
      .from(deputyships)
      .innerJoin(planMembers, eq(planMembers.userId, deputyships.signatoryId))
      .innerJoin(this.signatory, eq(this.signatory.id, deputyships.signatoryId))
      .where(
        and(
          eq(deputyships.deputyId, userId),
          this.runningAt(now),
          isNull(this.signatory.deactivatedAt),
          this.signsOffMember(),
        ),
      );
    return sql`(${own.union(standingIn)})`;
  }

  /** The plans the viewer may read, oldest first. */
  visiblePlans(viewer: Viewer): Promise<Plan[]> {
    const { plans } = this.store.tables;
    const query = this.store.db.select().from(plans);
    return (viewer.isAdmin ? query : query.where(inArray(plans.id, this.readablePlanIds(viewer.id)))).orderBy(
      asc(plans.createdAt),
    );
  }

  /** The plan, if the viewer may read it. */
  async visiblePlan(viewer: Viewer, planId: string): Promise<Plan | undefined> {
    const { plans } = this.store.tables;
    if (viewer.isAdmin) return (await this.store.db.select().from(plans).where(eq(plans.id, planId)))[0];
    return (await this.find(planId, viewer.id))?.plan;
  }

  /** The plans the user may open, newest first, with their role and whom they stand in for. */
  async listForUser(userId: string): Promise<PlanSummary[]> {
    const { plans } = this.store.tables;
    const readable = await this.store.db
      .select({ id: plans.id })
      .from(plans)
      .where(inArray(plans.id, this.readablePlanIds(userId)))
      .orderBy(desc(plans.createdAt));
    const summaries: PlanSummary[] = [];
    for (const { id } of readable) {
      const access = await this.find(id, userId);
      if (!access) continue;
      const { plan, role, standsInFor } = access;
      summaries.push({
        id: plan.id,
        title: plan.title,
        area: plan.area,
        templateId: plan.templateId,
        role,
        createdAt: plan.createdAt,
        standsInFor,
      });
    }
    return summaries;
  }

  /** Who stands in for whom on the plan now, for its owners. */
  standIns(planId: string): Promise<StandIn[]> {
    const { deputyships, planMembers } = this.store.tables;
    const { signatory, deputy } = this;
    const now = new Date(this.clock());
    return this.store.db
      .select({
        deputy: { id: deputy.id, name: deputy.name, organisation: deputy.organisation },
        signatory: { id: signatory.id, name: signatory.name, organisation: signatory.organisation },
        untilDate: deputyships.untilDate,
      })
      .from(deputyships)
      .innerJoin(signatory, eq(signatory.id, deputyships.signatoryId))
      .innerJoin(deputy, eq(deputy.id, deputyships.deputyId))
      .innerJoin(planMembers, eq(planMembers.userId, deputyships.signatoryId))
      .where(
        and(
          this.runningAt(now),
          eq(planMembers.planId, planId),
          this.signsOffMember(),
          isNull(signatory.deactivatedAt),
        ),
      )
      .orderBy(asc(signatory.name));
  }

  /** The people standing in for the signatory now (their access follows the signatory's). */
  async deputiesOf(signatoryId: string): Promise<string[]> {
    const { deputyships } = this.store.tables;
    const now = new Date(this.clock());
    const rows = await this.store.db
      .selectDistinct({ id: deputyships.deputyId })
      .from(deputyships)
      .where(and(this.runningAt(now), eq(deputyships.signatoryId, signatoryId)));
    return rows.map((row) => row.id);
  }

  /** The plan's signatories the user stands in for now. */
  private standsInFor(planId: string, userId: string): Promise<Person[]> {
    const { deputyships, planMembers } = this.store.tables;
    const { signatory } = this;
    const now = new Date(this.clock());
    return this.store.db
      .select({ id: signatory.id, name: signatory.name, organisation: signatory.organisation })
      .from(deputyships)
      .innerJoin(signatory, eq(signatory.id, deputyships.signatoryId))
      .innerJoin(planMembers, eq(planMembers.userId, deputyships.signatoryId))
      .where(
        and(
          this.runningAt(now),
          eq(deputyships.deputyId, userId),
          eq(planMembers.planId, planId),
          this.signsOffMember(),
          isNull(signatory.deactivatedAt),
        ),
      )
      .orderBy(asc(signatory.name));
  }

  /** A member who signs off: a signatory, or an owner made one. */
  private signsOffMember(): SQL {
    const { planMembers } = this.store.tables;
    return or(eq(planMembers.role, "signatory"), and(eq(planMembers.role, "owner"), eq(planMembers.signsOff, true)))!;
  }

  private runningAt(now: Date): SQL {
    const { deputyships } = this.store.tables;
    return and(isNull(deputyships.endedAt), lte(deputyships.startsAt, now), gt(deputyships.endsAt, now))!;
  }
}
