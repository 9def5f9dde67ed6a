import { redirect, type AppLoadContext } from "@remix-run/node";
import type { SessionUser } from "../../server/auth/sessions.server";
import { jsonError } from "./http.server";

export function getUser(context: AppLoadContext, request: Request): Promise<SessionUser | null> {
  return context.auth.userFromCookie(request.headers.get("Cookie"));
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

/** Only same-site paths, so a crafted link cannot send a signed-in user elsewhere. */
export function safeRedirectPath(to: FormDataEntryValue | string | null | undefined): string {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")) {
    return "/plans";
  }
  return to;
}
