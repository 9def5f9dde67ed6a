import type { AppLoadContext } from "@remix-run/node";
import { Refusal } from "~/shared/errors";
import { canManagePlan } from "~/shared/permissions";
import type { SessionUser } from "../../server/auth/sessions.server";
import { jsonError } from "./http.server";

/**
 * The plan and the user's access to it (their role, and whom they stand in for as a deputy).
 * Someone who may not open it gets the same 404 as for a plan that does not exist, so they
 * cannot learn that it does.
 */
export async function requirePlanMember(
  context: AppLoadContext,
  user: SessionUser,
  planId: string | undefined,
  as: "api" | "page",
) {
  if (planId) context.log.setBindings({ planId });
  const access = planId ? await context.access.find(planId, user.id) : null;
  if (access) return access;
  throw as === "api" ? jsonError(404, "plan not found") : new Response("Plan not found", { status: 404 });
}

/**
 * The plan, if the user may rename, archive or delete it (its owners): one rule for the API
 * and the plans page. Refuses a non-member as a plan that does not exist.
 */
export async function requirePlanManager(context: AppLoadContext, user: SessionUser, planId: string | undefined) {
  const membership = planId ? await context.access.find(planId, user.id) : null;
  if (!membership) throw new Refusal("not-found", "plan not found");
  if (!canManagePlan(membership.role)) {
    throw new Refusal("forbidden", "only the plan's owners may rename, archive or delete it");
  }
  return membership.plan;
}
