import type { AppLoadContext, ServerBuild } from "@remix-run/node";
import { createRequestHandler, writeReadableStreamToWritable } from "@remix-run/node";
import type { Request as ExpressRequest, RequestHandler, Response as ExpressResponse } from "express";
import getRawBody from "raw-body";

/** Bodies read by `readBodiesWithinLimit`, for the Remix handler to hand on. */
const bodies = new WeakMap<ExpressRequest, Buffer>();

/**
 * Reads every request body before any route sees it, refusing it past `maxBytes`: at once when
 * Content-Length says so (not a byte of the body is read), otherwise as soon as the streamed
 * (chunked) bytes pass the limit. A refused connection is closed, so the rest of an oversized
 * upload is never read either.
 */
export function readBodiesWithinLimit(maxBytes: number): RequestHandler {
  return (req, res, next) => {
    if (!hasBody(req)) return next();
    getRawBody(req, { length: req.headers["content-length"], limit: maxBytes }, (error, body) => {
      if (!error) {
        bodies.set(req, body);
        return next();
      }
      const status = typeof error.status === "number" && error.status < 500 ? error.status : 400;
      refuse(
        req,
        res,
        status,
        status === 413 ? `request body too large (${maxBytes / 1024} KiB at most)` : "request body could not be read",
      );
    });
  };
}

function hasBody(req: ExpressRequest): boolean {
  if (req.method === "GET" || req.method === "HEAD") return false;
  return req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0;
}

/** In the API's JSON shape for /api, a plain page otherwise; the connection is not reused. */
function refuse(req: ExpressRequest, res: ExpressResponse, status: number, message: string): void {
  if (res.headersSent || res.destroyed) return void req.socket.destroy();
  res.status(status).set("Connection", "close");
  if (req.path.startsWith("/api/")) res.json({ error: message });
  else res.type("text/plain").send(`${message[0]!.toUpperCase()}${message.slice(1)}.`);
}

/**
 * The Remix request handler, given the body read above instead of the request stream (which
 * @remix-run/express would read itself, with no limit). Otherwise what that adapter does: the
 * same URL, headers, abort signal and response writing.
 */
export function remixHandler(
  build: ServerBuild,
  getLoadContext: (req: ExpressRequest, res: ExpressResponse) => AppLoadContext,
  mode: string,
): RequestHandler {
  const handle = createRequestHandler(build, mode);
  return async (req, res, next) => {
    let url: URL;
    try {
      url = new URL(`${req.protocol}://${req.get("host") ?? "localhost"}${req.originalUrl}`);
    } catch {
      res.status(400).type("text/plain").send("Bad request.");
      return;
    }
    const controller = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) controller.abort();
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, one);
    }
    try {
      const response = await handle(
        new Request(url, { method: req.method, headers, body: asBodyInit(bodies.get(req)), signal: controller.signal }),
        getLoadContext(req, res),
      );
      res.statusMessage = response.statusText;
      res.status(response.status);
      for (const [name, value] of response.headers.entries()) res.append(name, value);
      if (response.body) await writeReadableStreamToWritable(response.body, res);
      else res.end();
    } catch (error) {
      next(error);
    }
  };
}

function asBodyInit(body: Buffer | undefined): Uint8Array<ArrayBuffer> | undefined {
  return body && new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.byteLength);
}
