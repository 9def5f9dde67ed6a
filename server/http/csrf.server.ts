import type { RequestHandler } from "express";
import { isAllowedOrigin } from "./origins.server";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Refuses state-changing requests that a browser sent from another site: the session cookie
 * is SameSite=Lax, and this closes the rest (same-site subdomains, older browsers).
 */
export function rejectCrossSiteWrites(allowedOrigins: readonly string[] | undefined): RequestHandler {
  return (req, res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const crossSite = req.headers["sec-fetch-site"] === "cross-site";
    if (crossSite || !isAllowedOrigin(req.headers.origin, req.headers.host, allowedOrigins)) {
      res.status(403).json({ error: "cross-site request refused" });
      return;
    }
    next();
  };
}
