import type { AppLoadContext } from "@remix-run/node";
import type { z } from "zod";
import type { CreateKind } from "../../server/limits.server";
import { isRefusal, REFUSAL_STATUS, retryAfterHeaders } from "~/shared/errors";

/** A JSON error response in the API's shape, `{"error": "..."}`. */
export function jsonError(status: number, error: string, headers?: HeadersInit): Response {
  return Response.json({ error }, { status, headers });
}

/**
 * Reads a JSON body and validates it; any problem is thrown as a 4xx JSON response, so a
 * route never turns a client's mistake into a 500.
 */
export async function readJson<T extends z.ZodType>(request: Request, schema: T): Promise<z.output<T>> {
  return parseJson(await readText(request), schema);
}

function parseJson<T extends z.ZodType>(text: string, schema: T): z.output<T> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw jsonError(400, "request body must be valid JSON");
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
    throw jsonError(400, `${where}${issue.message}`);
  }
  return parsed.data;
}

/** Like `readJson`, for a body that may be left out: an empty body is `undefined`. */
export async function readOptionalJson<T extends z.ZodType>(
  request: Request,
  schema: T,
): Promise<z.output<T> | undefined> {
  const text = await readText(request);
  if (text.trim() === "") return undefined;
  return parseJson(text, schema);
}

/**
 * The request body as text. Bodies past the one body limit were refused before any route ran
 * (HTTP_LIMITS.maxBodyBytes), so what is here is already within it.
 */
export function readText(request: Request): Promise<string> {
  return request.text();
}

/** Runs a service call, answering a domain refusal with its 4xx JSON error. */
export async function refusalsAsJson<T>(call: () => T | Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isRefusal(error)) {
      throw Response.json(
        { ...error.details, error: error.message },
        { status: REFUSAL_STATUS[error.kind], headers: retryAfterHeaders(error) },
      );
    }
    throw error;
  }
}

/**
 * For a GET that does something (an export, which runs a worker and writes the audit log):
 * a refusal when a browser says another site sent it. The session cookie is SameSite=Lax, so
 * a link on another site still arrives signed in; Sec-Fetch-Site tells it apart. A person who
 * followed such a link gets a page with the same link, which from this site goes through.
 * Clients that send no Sec-Fetch-Site carry no ambient cookie, and are let through.
 */
export function crossSiteRefusal(request: Request): Response | null {
  const site = request.headers.get("sec-fetch-site");
  if (site !== "cross-site" && site !== "same-site") return null;
  if (request.headers.get("sec-fetch-mode") !== "navigate") {
    return jsonError(403, "cross-site request refused");
  }
  const url = new URL(request.url);
  const here = escapeHtml(url.pathname + url.search);
  const page = `<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Confirm the export · Coplan</title></head>
<body><main>
<h1>Confirm the export</h1>
<p>A link on another site asked Coplan to export this plan, so nothing has been exported yet.</p>
<p><a href="${here}">Export it from here</a></p>
</main></body></html>`;
  return new Response(page, {
    status: 403,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
  });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A 403 unless the role allows it. */
export function requireAllowed(allowed: boolean, message: string): void {
  if (!allowed) throw jsonError(403, message);
}

/** The handler for the methods a route does not take: a 405 in the API's error shape. */
export function methodNotAllowed(hint: string) {
  return () => jsonError(405, hint);
}

/** A 429 with Retry-After once the user has created too many of these lately. */
export async function requireWithinCreateLimit(
  context: AppLoadContext,
  kind: CreateKind,
  userId: string,
): Promise<void> {
  const retryAfterSeconds = await context.createLimits.take(kind, userId);
  if (retryAfterSeconds > 0) {
    throw jsonError(429, `too many ${kind}s created lately; try again in ${retryAfterSeconds} s`, {
      "Retry-After": String(retryAfterSeconds),
    });
  }
}
