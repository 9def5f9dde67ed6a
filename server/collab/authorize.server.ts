import type { IncomingMessage } from "node:http";
import type { AuthService } from "../auth/sessions.server";
import { isAllowedOrigin } from "../origins.server";
import type { PlanService } from "../plans.server";
import type { AuthorizeUpgrade } from "./websocket.server";

/** Origin first, then the session cookie, then membership of the plan. */
export function createUpgradeAuthorizer(deps: {
  auth: AuthService;
  plans: PlanService;
  allowedOrigins: readonly string[] | undefined;
}): AuthorizeUpgrade {
  return async (request: IncomingMessage, planId: string) => {
    if (!isAllowedOrigin(request.headers.origin, request.headers.host, deps.allowedOrigins)) {
      return { status: 403, reason: "Forbidden origin" };
    }
    const user = await deps.auth.userFromCookie(request.headers.cookie);
    if (!user) return { status: 401, reason: "Unauthorized" };
    const membership = deps.plans.findForMember(planId, user.id);
    if (!membership) return { status: 404, reason: "Not Found" };
    return {
      identity: { id: user.id, name: user.name, organisation: user.organisation },
      role: membership.role,
    };
  };
}
