/**
 * Whether a request's Origin may act with the session cookie: one of ALLOWED_ORIGINS when set,
 * otherwise the server's own origin (as the Host header names it). Requests without an Origin
 * come from non-browser clients, which carry no ambient cookie to abuse, and are let through.
 */
export function isAllowedOrigin(
  origin: string | null | undefined,
  host: string | null | undefined,
  allowed: readonly string[] | undefined,
): boolean {
  if (!origin) return true;
  if (allowed && allowed.length > 0) return allowed.includes(origin.replace(/\/$/, ""));
  if (!host) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
