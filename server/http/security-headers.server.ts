import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestHandler } from "express";
import helmet from "helmet";

/** A host as a CSP source may name it; anything else in a Host header is left out. */
const PLAIN_HOST = /^[A-Za-z0-9.-]+(:\d+)?$|^\[[0-9A-Fa-f:.]+\](:\d+)?$/;

type WithNonce = ServerResponse & { locals: { cspNonce: string } };

/**
 * helmet's security headers with a Content-Security-Policy that allows only our own scripts
 * and those the page inlines with this response's nonce (res.locals.cspNonce, handed to the
 * Remix entry through the load context), frames nowhere, and WebSockets to our own host.
 */
export function securityHeaders(options: { https: boolean }): RequestHandler[] {
  const nonce: RequestHandler = (_req, res, next) => {
    res.locals.cspNonce = randomBytes(16).toString("base64");
    next();
  };
  const headers = helmet({
    contentSecurityPolicy: {
      directives: {
        "script-src": [
          "'self'",
          (_req: IncomingMessage, res: ServerResponse) => `'nonce-${(res as WithNonce).locals.cspNonce}'`,
        ],
        // 'self' covers ws: and wss: to the page's own host in CSP 3; naming them keeps older
        // browsers working too.
        "connect-src": ["'self'", (req: IncomingMessage) => sameHostSockets(req)],
        "frame-ancestors": ["'none'"],
        // Only served over HTTPS may the browser be told to upgrade every request.
        "upgrade-insecure-requests": options.https ? [] : null,
      },
    },
    strictTransportSecurity: options.https,
    xFrameOptions: { action: "deny" },
    // Under helmet's default, no-referrer, browsers send `Origin: null` with form posts, which
    // the cross-site check (server/http/csrf.server.ts) rightly refuses.
    referrerPolicy: { policy: "same-origin" },
  });
  return [nonce, headers];
}

function sameHostSockets(req: IncomingMessage): string {
  const host = req.headers.host ?? "";
  return PLAIN_HOST.test(host) ? `ws://${host} wss://${host}` : "'self'";
}
