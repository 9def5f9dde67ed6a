import { redirect, type AppLoadContext } from "@remix-run/node";
import type { CurrentSession, SessionUser } from "../../server/auth/sessions.server";
import { jsonError } from "./http.server";

/** The signed-in user, or null; the request's log lines name them from here on. */
export async function getUser(context: AppLoadContext, request: Request): Promise<SessionUser | null> {
  const user = await context.auth.userFromCookie(request.headers.get("Cookie"));
  if (user) context.log.setBindings({ userId: user.id });
  return user;
}

/** For pages: the signed-in user, or a redirect to the sign-in page that comes back here. */
export async function requireUser(context: AppLoadContext, request: Request): Promise<SessionUser> {
  const user = await getUser(context, request);
  if (user) return user;
  const url = new URL(request.url);
  throw redirect(`/login?${new URLSearchParams({ redirectTo: url.pathname + url.search })}`);
}

/** For the API: the signed-in user, or a 401. */
export async function requireApiUser(context: AppLoadContext, request: Request): Promise<SessionUser> {
  const user = await getUser(context, request);
  if (user) return user;
  throw jsonError(401, "sign in required");
}

/** For the API, when what is answered lasts as long as the session (event streams): the session, or a 401. */
export async function requireApiSession(context: AppLoadContext, request: Request): Promise<CurrentSession> {
  const session = await context.auth.sessionFromCookie(request.headers.get("Cookie"));
  if (session) {
    context.log.setBindings({ userId: session.user.id });
    return session;
  }
  throw jsonError(401, "sign in required");
}

/**
 * An instance administrator, or a refusal: a 403 for the API, and for pages the same 404 as a
 * page that does not exist.
 */
export async function requireAdmin(
  context: AppLoadContext,
  request: Request,
  as: "api" | "page",
): Promise<SessionUser> {
  const user = as === "api" ? await requireApiUser(context, request) : await requireUser(context, request);
  if (user.isAdmin) return user;
  throw as === "api" ? jsonError(403, "only administrators may do this") : new Response("Not found", { status: 404 });
}

const REDIRECT_BASE = new URL("http://coplan.invalid");

/**
 * Only paths on this site, so a crafted link cannot send a signed-in user elsewhere. Browsers
 * drop tabs and newlines from URLs and read a backslash as a slash, so any of those refuses the
 * target outright; what is left must resolve against this site to a path that is not itself
 * protocol-relative.
 */
export function safeRedirectPath(to: FormDataEntryValue | string | null | undefined, fallback = "/plans"): string {
  // Browsers drop tabs and newlines from URLs, so "/\t/evil.example" would leave the site.
  // eslint-disable-next-line no-control-regex
  if (typeof to !== "string" || !to.startsWith("/") || /[\u0000-\u001f\u007f\\]/.test(to)) return fallback;
  let url: URL;
  try {
    url = new URL(to, REDIRECT_BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== REDIRECT_BASE.origin || url.pathname.startsWith("//")) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}
