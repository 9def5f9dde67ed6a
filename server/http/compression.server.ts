import compression from "compression";
import type { Request, RequestHandler, Response } from "express";

/**
 * gzip or brotli (whichever the request prefers) for every compressible response of 1 KiB or
 * more: pages, scripts, stylesheets, JSON (decision 0032). Server-sent event streams are left
 * alone: a compressor holds bytes back until it has enough to pack, and an event must go out
 * when it happens. WebSocket upgrades never reach this middleware (the HTTP server hands them to
 * the sync server), and the sync server negotiates no compression of its own.
 */
export function compressResponses(): RequestHandler {
  return compression({ filter: compressible });
}

function compressible(req: Request, res: Response): boolean {
  const type = String(res.getHeader("Content-Type") ?? "");
  if (type.startsWith("text/event-stream")) return false;
  return compression.filter(req, res);
}
