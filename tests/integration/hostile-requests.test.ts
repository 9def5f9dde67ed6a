import { request } from "node:http";
import { beforeAll, describe, expect, it } from "vitest";
import { getJson, requestJson } from "../support/http";
import { queryDatabase } from "../support/database";
import { useTestServer } from "../support/test-server";

const OWNER = "owner@swindon.example";
const SIGNATORY = "signatory@swindon.example";
let memberId: string;
let commentId: string;

const server = useTestServer({ users: [OWNER, SIGNATORY], demoPlan: true });

beforeAll(async () => {
  const members = await getJson<{ userId: string; email: string }[]>(
    server.url,
    `/api/plans/${server.demoPlanId}/members`,
    server.cookie(OWNER),
  );
  memberId = members.body.find((m) => m.email === "viewer@police.example")!.userId;
  const comment = await requestJson(
    server.url,
    "POST",
    `/api/plans/${server.demoPlanId}/comments`,
    server.cookie(OWNER),
    { sectionKey: "governance", body: "Seed" },
  );
  commentId = comment.body.id;
});

const TABLES = [
  "users",
  "sessions",
  "plans",
  "plan_members",
  "plan_updates",
  "plan_snapshots",
  "signoffs",
  "comments",
  "imported_templates",
  "settings",
  "invitations",
  "mail_messages",
  "password_resets",
  "notifications",
  "plan_versions",
  "deputyships",
];

function counts(): Record<string, number> {
  return Object.fromEntries(
    TABLES.map((table) => [
      table,
      queryDatabase<{ n: number }>(server.databasePath, `select count(*) as n from ${table}`).n,
    ]),
  );
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
    '{"a": undefined}',
    "\u0000\u0001",
    [],
    {},
    ...wrongTypes.map((value) => Object.fromEntries(fields.map((field) => [field, value]))),
    Object.fromEntries(fields.map((field) => [field, "y".repeat(300_000)])),
  ];
}

const BAD_IDS = [
  "no-such-id",
  "..%2F..%2Fetc%2Fpasswd",
  "%00",
  "x".repeat(3000),
  "%E2%80%AE%F0%9F%92%A5",
  "'%20or%201=1--",
  "%2e%2e",
];

interface Route {
  method: string;
  path: string;
  as: () => string | undefined;
  fields?: string[];
}

function routes(): Route[] {
  const plan = `/api/plans/${server.demoPlanId}`;
  return [
    { method: "POST", path: "/api/session", as: () => undefined, fields: ["email", "password"] },
    { method: "POST", path: "/api/password-reset", as: () => undefined, fields: ["email"] },
    {
      method: "POST",
      path: "/api/admin/invitations",
      as: () => server.cookie(OWNER),
      fields: ["email", "organisation", "side"],
    },
    {
      method: "POST",
      path: "/api/templates",
      as: () => server.cookie(OWNER),
      fields: ["id", "version", "title", "description", "source", "sections"],
    },
    { method: "POST", path: "/api/plans", as: () => server.cookie(OWNER), fields: ["templateId", "title", "area"] },
    { method: "PATCH", path: plan, as: () => server.cookie(OWNER), fields: ["title", "area", "archived"] },
    { method: "POST", path: `${plan}/members`, as: () => server.cookie(OWNER), fields: ["email", "role"] },
    { method: "PATCH", path: `${plan}/members/${memberId}`, as: () => server.cookie(OWNER), fields: ["role"] },
    {
      method: "POST",
      path: `${plan}/comments`,
      as: () => server.cookie(OWNER),
      fields: ["sectionKey", "body", "quote", "anchor", "parentId"],
    },
    { method: "PATCH", path: `${plan}/comments/${commentId}`, as: () => server.cookie(OWNER), fields: ["body"] },
    { method: "POST", path: `${plan}/versions`, as: () => server.cookie(OWNER), fields: ["name"] },
    {
      method: "PUT",
      path: "/api/account/deputy",
      as: () => server.cookie(SIGNATORY),
      fields: ["email", "from", "until"],
    },
  ];
}

/** Routes whose ids come from the path, each tried with ids that name nothing or try tricks. */
function idRoutes(bad: string): Route[] {
  const plan = `/api/plans/${server.demoPlanId}`;
  return [
    { method: "GET", path: `/api/plans/${bad}`, as: () => server.cookie(OWNER) },
    { method: "GET", path: `/api/plans/${bad}/members`, as: () => server.cookie(OWNER) },
    { method: "POST", path: `/api/plans/${bad}/members`, as: () => server.cookie(OWNER) },
    { method: "PATCH", path: `${plan}/members/${bad}`, as: () => server.cookie(OWNER) },
    { method: "DELETE", path: `${plan}/members/${bad}`, as: () => server.cookie(OWNER) },
    { method: "DELETE", path: `${plan}/invitations/${bad}`, as: () => server.cookie(OWNER) },
    { method: "POST", path: `${plan}/invitations/${bad}/resend`, as: () => server.cookie(OWNER) },
    { method: "POST", path: `/api/admin/users/${bad}/deactivate`, as: () => server.cookie(OWNER) },
    { method: "POST", path: `/api/admin/users/${bad}/reactivate`, as: () => server.cookie(OWNER) },
    { method: "POST", path: `/api/notifications/${bad}/read`, as: () => server.cookie(OWNER) },
    { method: "POST", path: `${plan}/sections/${bad}/signoff-requests`, as: () => server.cookie(OWNER) },
    { method: "GET", path: `/api/plans/${bad}/audit`, as: () => server.cookie(OWNER) },
    { method: "POST", path: `${plan}/sections/${bad}/signoffs`, as: () => server.cookie(SIGNATORY) },
    { method: "DELETE", path: `${plan}/sections/${bad}/signoffs`, as: () => server.cookie(SIGNATORY) },
    { method: "GET", path: `${plan}/sections/${bad}/signoffs`, as: () => server.cookie(OWNER) },
    { method: "GET", path: `/api/plans/${bad}/comments`, as: () => server.cookie(OWNER) },
    { method: "PATCH", path: `${plan}/comments/${bad}`, as: () => server.cookie(OWNER) },
    { method: "DELETE", path: `${plan}/comments/${bad}`, as: () => server.cookie(OWNER) },
    { method: "POST", path: `${plan}/comments/${bad}/resolve`, as: () => server.cookie(OWNER) },
    { method: "POST", path: `${plan}/comments/${commentId}/${bad}`, as: () => server.cookie(OWNER) },
    { method: "GET", path: `/api/plans/${bad}/export.pdf`, as: () => server.cookie(OWNER) },
    { method: "GET", path: `${plan}/export.pdf?version=${bad}`, as: () => server.cookie(OWNER) },
    { method: "GET", path: `/api/plans/${bad}/export.docx`, as: () => server.cookie(OWNER) },
    { method: "GET", path: `${plan}/export.docx?version=${bad}`, as: () => server.cookie(OWNER) },
    { method: "GET", path: `/api/plans/${bad}/versions`, as: () => server.cookie(OWNER) },
    // "versions/%2e%2e" is resolved by the client to the plan itself, a fine GET.
    ...(bad === "%2e%2e" ? [] : [{ method: "GET", path: `${plan}/versions/${bad}`, as: () => server.cookie(OWNER) }]),
    { method: "POST", path: `${plan}/versions/${bad}/restore`, as: () => server.cookie(OWNER) },
    { method: "GET", path: `${plan}/compare?from=${bad}&to=current`, as: () => server.cookie(OWNER) },
    { method: "GET", path: `${plan}/compare?from=1&to=${bad}`, as: () => server.cookie(OWNER) },
    // A client resolves "%2e%2e" as ".." before sending, which would leave /api altogether.
    ...(bad === "%2e%2e" ? [] : [{ method: "GET", path: `/api/${bad}`, as: () => server.cookie(OWNER) }]),
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
      const label = `${route.method} ${route.path.slice(0, 80)} ${typeof body === "string" ? JSON.stringify(body.slice(0, 20)) : (JSON.stringify(body)?.slice(0, 40) ?? "")}`;
      if (answer.status < 400 || answer.status >= 500) failures.push(`${label} -> ${answer.status} ${answer.text}`);
      else if (typeof answer.error !== "string" || answer.error.length === 0)
        failures.push(`${label} -> ${answer.status} without an error message: ${answer.text}`);
    };
    for (const route of routes()) {
      for (const body of badBodies(route.fields ?? [])) await check(route, body);
    }
    for (const bad of BAD_IDS) {
      for (const route of idRoutes(bad)) {
        // A client resolves ".../%2e%2e" to the path above it before sending, so these would be
        // an owner's DELETE of the plan itself, which is allowed. The server refuses dot
        // segments sent as they are: see the next test.
        if (bad === "%2e%2e" && route.method === "DELETE") continue;
        await check(
          route,
          route.method === "GET" || route.method === "DELETE" ? undefined : { body: "x", role: "viewer" },
        );
      }
    }
    // Found by this test: read-only routes answered other methods with Remix's own 405 body.
    for (const [method, path] of [
      ["PUT", "/api/health"],
      ["POST", `/api/plans/${server.demoPlanId}/audit`],
      ["POST", `/api/plans/${server.demoPlanId}/export.pdf`],
      ["POST", `/api/plans/${server.demoPlanId}/export.docx`],
      ["PUT", `/api/plans/${server.demoPlanId}/versions`],
      ["GET", `/api/plans/${server.demoPlanId}/versions/1/restore`],
      ["POST", `/api/plans/${server.demoPlanId}/compare`],
    ] as const) {
      await check({ method, path, as: () => server.cookie(OWNER) });
    }
    expect(failures).toEqual([]);
    expect(counts()).toEqual(before);
    expect((await getJson(server.url, "/api/health")).body).toEqual({ ok: true });
    console.log(`hostile requests: ${tried} tried, all 4xx with an error message, nothing stored`);
  });

  it("dot segments sent as they are (not resolved by the client) are a 400 and reach no route", async () => {
    const planPath = `/api/plans/${server.demoPlanId}`;
    for (const segment of ["%2e%2e", "%2E%2e", "..", "%2e", "."]) {
      const answer = await rawRequest("DELETE", `${planPath}/members/${segment}`, server.cookie(OWNER));
      expect(answer.status, segment).toBe(400);
      expect(JSON.parse(answer.body).error).toMatch(/segments/);
    }
    expect((await getJson(server.url, planPath, server.cookie(OWNER))).status).toBe(200);
  });
});

/** A request whose path goes on the wire exactly as written: fetch would resolve dot segments first. */
function rawRequest(method: string, path: string, cookie: string): Promise<{ status: number; body: string }> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method, path, headers: { cookie, origin: server.url } },
      (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode!, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}
