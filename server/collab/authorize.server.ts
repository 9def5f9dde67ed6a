import type { IncomingMessage } from "node:http";
import type { AuthService } from "../auth/sessions.server";
import { clientAddress } from "../http/client-address.server";
import type { LimitStore } from "../limit-store.server";
import type { ConnectionLimits } from "../limits.server";
import { isAllowedOrigin } from "../http/origins.server";
import type { PlanAccessService } from "../plans/plan-access.server";
import type { AuthorizeUpgrade } from "./websocket.server";

/**
 * Origin first, then the session cookie, then access to the plan (a member's role, or a
 * deputy's read-only access), then the caps on open
 * WebSockets per user and, behind proxies (where the connection cap per address cannot see
 * the client), per forwarded address. A slot is held until the socket closes.
 */
export function createUpgradeAuthorizer(deps: {
  auth: AuthService;
  access: PlanAccessService;
  allowedOrigins: readonly string[] | undefined;
  limits: ConnectionLimits;
  limitStore: LimitStore;
  trustedProxies: number;
}): AuthorizeUpgrade {
  const perUser = deps.limitStore.slots(deps.limits.maxWebSocketsPerUser);
  const perAddress = deps.trustedProxies > 0 ? deps.limitStore.slots(deps.limits.maxConnectionsPerAddress) : null;
  return async (request: IncomingMessage, planId: string) => {
    if (!isAllowedOrigin(request.headers.origin, request.headers.host, deps.allowedOrigins)) {
      return { status: 403, reason: "Forbidden origin" };
    }
    const session = await deps.auth.sessionFromCookie(request.headers.cookie);
    if (!session) return { status: 401, reason: "Unauthorized" };
    const { user, sessionHash } = session;
    const membership = await deps.access.find(planId, user.id);
    if (!membership) return { status: 404, reason: "Not Found" };
    const withinCaps =
      (await perUser.take(user.id, request.socket)) &&
      ((await perAddress?.take(clientAddress(request, deps.trustedProxies), request.socket)) ?? true);
    if (!withinCaps) return { status: 429, reason: "Too Many Requests" };
    return {
      identity: { id: user.id, name: user.name, organisation: user.organisation },
      role: membership.role,
      sessionHash,
    };
  };
}
