import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoPlanId, getJson, requestJson, signIn } from "../support/http";
import { queryDatabase } from "../support/database";
import { startServer, type RunningServer } from "../support/server";

let server: RunningServer;
let owner: string;
let signatory: string;
let planId: string;
let memberId: string;
let commentId: string;

beforeAll(async () => {
  server = await startServer();
  owner = await signIn(server.url, "owner@swindon.example");
  signatory = await signIn(server.url, "signatory@swindon.example");
  planId = await demoPlanId(server.url, owner);
  const members = await getJson<{ userId: string; email: string }[]>(server.url, `/api/plans/${planId}/members`, owner);
  memberId = members.body.find((m) => m.email === "viewer@police.example")!.userId;
  const comment = await requestJson(server.url, "POST", `/api/plans/${planId}/comments`, owner, { sectionKey: "governance", body: "Seed" });
  commentId = comment.body.id;
});
afterAll(async () => {
  await server?.stop();
});

const TABLES = ["users", "sessions", "plans", "plan_members", "plan_updates", "plan_snapshots", "signoffs", "comments", "imported_templates", "settings"];

function counts(): Record<string, number> {
  return Object.fromEntries(TABLES.map((table) => [table, queryDatabase<{ n: number }>(server.databasePath, `select count(*) as n from ${table}`).n]));
}

/** Bodies no route may accept: not JSON, the wrong JSON, the wrong types, too big. */
function badBodies(fields: string[]): (string | object)[] {
  const wrongTypes = [5, true, null, [], { nested: { deeper: [1] } }, -1e308];
  return [
    "",
    "{",
    "[1,2",
    "null",
    "42",
    '"just a string"',
    "{\"a\": undefined}",
    "\u0000\u0001",
    [],
    {},
    ...wrongTypes.map((value) => Object.fromEntries(fields.map((field) => [field, value]))),
    Object.fromEntries(fields.map((field) => [field, "y".repeat(300_000)])),
  ];
}

const BAD_IDS = ["no-such-id", "..%2F..%2Fetc%2Fpasswd", "%00", "x".repeat(3000), "%E2%80%AE%F0%9F%92%A5", "'%20or%201=1--", "%2e%2e"];

interface Route {
  method: string;
  path: string;
  as: () => string | undefined;
  fields?: string[];
}

function routes(): Route[] {
  const plan = `/api/plans/${planId}`;
  return [
    { method: "POST", path: "/api/session", as: () => undefined, fields: ["email", "password"] },
    { method: "POST", path: "/api/templates", as: () => owner, fields: ["id", "version", "title", "description", "source", "sections"] },
    { method: "POST", path: "/api/plans", as: () => owner, fields: ["templateId", "title", "area"] },
    { method: "POST", path: `${plan}/members`, as: () => owner, fields: ["email", "role"] },
    { method: "PATCH", path: `${plan}/members/${memberId}`, as: () => owner, fields: ["role"] },
    { method: "POST", path: `${plan}/comments`, as: () => owner, fields: ["sectionKey", "body", "quote", "anchor", "parentId"] },
    { method: "PATCH", path: `${plan}/comments/${commentId}`, as: () => owner, fields: ["body"] },
  ];
}

/** Routes whose ids come from the path, each tried with ids that name nothing or try tricks. */
function idRoutes(bad: string): Route[] {
  const plan = `/api/plans/${planId}`;
  return [
    { method: "GET", path: `/api/plans/${bad}`, as: () => owner },
    { method: "GET", path: `/api/plans/${bad}/members`, as: () => owner },
    { method: "POST", path: `/api/plans/${bad}/members`, as: () => owner },
    { method: "PATCH", path: `${plan}/members/${bad}`, as: () => owner },
    { method: "DELETE", path: `${plan}/members/${bad}`, as: () => owner },
    { method: "GET", path: `/api/plans/${bad}/audit`, as: () => owner },
    { method: "POST", path: `${plan}/sections/${bad}/signoffs`, as: () => signatory },
    { method: "DELETE", path: `${plan}/sections/${bad}/signoffs`, as: () => signatory },
    { method: "GET", path: `${plan}/sections/${bad}/signoffs`, as: () => owner },
    { method: "GET", path: `/api/plans/${bad}/comments`, as: () => owner },
    { method: "PATCH", path: `${plan}/comments/${bad}`, as: () => owner },
    { method: "DELETE", path: `${plan}/comments/${bad}`, as: () => owner },
    { method: "POST", path: `${plan}/comments/${bad}/resolve`, as: () => owner },
    { method: "POST", path: `${plan}/comments/${commentId}/${bad}`, as: () => owner },
    { method: "GET", path: `/api/plans/${bad}/export.pdf`, as: () => owner },
    // A client resolves "%2e%2e" as ".." before sending, which would leave /api altogether.
    ...(bad === "%2e%2e" ? [] : [{ method: "GET", path: `/api/${bad}`, as: () => owner }]),
  ];
}

async function attempt(route: Route, body?: string | object) {
  const response = await fetch(`${server.url}${route.path}`, {
    method: route.method,
    headers: {
      ...(route.as() ? { cookie: route.as()! } : {}),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let error: unknown;
  try {
    error = (JSON.parse(text) as { error?: unknown }).error;
  } catch {
    error = undefined;
  }
  return { status: response.status, error, text: text.slice(0, 120) };
}

describe("hostile requests", () => {
  it("every API route answers malformed, mistyped, huge or tricky input with a 4xx and a clear error, and stores nothing", async () => {
    const before = counts();
    const failures: string[] = [];
    let tried = 0;
    const check = async (route: Route, body?: string | object) => {
      tried += 1;
      const answer = await attempt(route, body);
      const label = `${route.method} ${route.path.slice(0, 80)} ${typeof body === "string" ? JSON.stringify(body.slice(0, 20)) : JSON.stringify(body)?.slice(0, 40) ?? ""}`;
      if (answer.status < 400 || answer.status >= 500) failures.push(`${label} -> ${answer.status} ${answer.text}`);
      else if (typeof answer.error !== "string" || answer.error.length === 0) failures.push(`${label} -> ${answer.status} without an error message: ${answer.text}`);
    };
    for (const route of routes()) {
      for (const body of badBodies(route.fields ?? [])) await check(route, body);
    }
    for (const bad of BAD_IDS) {
      for (const route of idRoutes(bad)) await check(route, route.method === "GET" || route.method === "DELETE" ? undefined : { body: "x", role: "viewer" });
    }
    // Found by this test: read-only routes answered other methods with Remix's own 405 body.
    for (const [method, path] of [
      ["PATCH", `/api/plans/${planId}`],
      ["DELETE", `/api/plans/${planId}`],
      ["PUT", "/api/health"],
      ["POST", `/api/plans/${planId}/audit`],
      ["POST", `/api/plans/${planId}/export.pdf`],
    ] as const) {
      await check({ method, path, as: () => owner });
    }
    expect(failures).toEqual([]);
    expect(counts()).toEqual(before);
    expect((await getJson(server.url, "/api/health")).body).toEqual({ ok: true });
    console.log(`hostile requests: ${tried} tried, all 4xx with an error message, nothing stored`);
  });
});
