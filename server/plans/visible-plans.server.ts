import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../../db/client.server";
import { planMembers, plans, type Plan } from "../../db/schema";

/**
 * Who is asking, for the views across plans (portfolio, search): a member sees their plans; an
 * instance administrator sees every plan.
 */
export interface Viewer {
  id: string;
  isAdmin?: boolean;
}

/** The plans the viewer may read, oldest first. */
export function visiblePlans(db: Db, viewer: Viewer): Plan[] {
  if (viewer.isAdmin) return db.select().from(plans).orderBy(asc(plans.createdAt)).all();
  return db
    .select({ plan: plans })
    .from(planMembers)
    .innerJoin(plans, eq(plans.id, planMembers.planId))
    .where(eq(planMembers.userId, viewer.id))
    .orderBy(asc(plans.createdAt))
    .all()
    .map((row) => row.plan);
}

/** The plan, if the viewer may read it. */
export function visiblePlan(db: Db, viewer: Viewer, planId: string): Plan | undefined {
  if (viewer.isAdmin) return db.select().from(plans).where(eq(plans.id, planId)).get();
  return db
    .select({ plan: plans })
    .from(planMembers)
    .innerJoin(plans, eq(plans.id, planMembers.planId))
    .where(and(eq(planMembers.planId, planId), eq(planMembers.userId, viewer.id)))
    .get()?.plan;
}
