import type { RequestHandler } from "express";

/** `.` or `..` as a path segment, written plainly or percent-encoded (`%2e`, `%2E`). */
const DOT_SEGMENT = /(^|\/)(\.|%2e){1,2}(\/|$|\?|#)/i;

/**
 * Refuses a path with a `.` or `..` segment. The router resolves them as a browser would, so
 * `DELETE /api/plans/:id/members/%2e%2e` would otherwise reach `DELETE /api/plans/:id` and delete
 * the plan: a mistyped or crafted member id must never become another route.
 */
export function rejectDotSegments(): RequestHandler {
  return (req, res, next) => {
    if (DOT_SEGMENT.test(req.originalUrl.split("?")[0]!)) {
      res.status(400).json({ error: "paths may not contain . or .. segments" });
      return;
    }
    next();
  };
}
