import { randomUUID } from "node:crypto";
import type { ErrorRequestHandler, RequestHandler } from "express";
import { pinoHttp } from "pino-http";
import type { Logger } from "../log.server";
import { withoutLinkTokens } from "../mail/link-redaction.server";

/**
 * One line per request (pino-http) with a request id, also sent back as `X-Request-Id` so a
 * person can quote it. Answers that went well are logged at debug, refusals (4xx) at info and
 * failures (5xx) at error. The routes add the user and the plan to the request's logger
 * (`context.log`), so a refusal names who was refused on what. Only the method and the path are
 * logged, never headers (cookies) or one-time link tokens.
 */
export function requestLog(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    genReqId: (_req, res) => {
      const id = randomUUID();
      res.setHeader("X-Request-Id", id);
      return id;
    },
    customLogLevel: (_req, res, error) =>
      error || res.statusCode >= 500 ? "error" : res.statusCode >= 400 ? "info" : "debug",
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        url: withoutLinkTokens(req.url),
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
}

/** The last handler: a fault of the server's own is logged with its request and answered 500. */
export function requestErrors(): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    res.err = error instanceof Error ? error : new Error(String(error));
    if (res.headersSent) return void req.socket.destroy();
    res.status(500);
    if (req.path.startsWith("/api/")) res.json({ error: "server error" });
    else res.type("text/plain").send("Something went wrong on our side.");
  };
}
