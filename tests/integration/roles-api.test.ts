import { beforeAll, describe, expect, it } from "vitest";
import { addUser } from "../support/admin";
import { contentHashOf, demoPlanId, getJson, signIn } from "../support/http";
import { startServer } from "../support/server";
import { useTestServer } from "../support/test-server";
import { DEMO_PASSWORD } from "../../server/ops/demo-seed.server";

type Who = "anonymous" | "outsider" | "viewer" | "reviewer" | "editor" | "signatory" | "owner";
const WHO: Who[] = ["anonymous", "outsider", "viewer", "reviewer", "editor", "signatory", "owner"];
const EMAIL: Record<Exclude<Who, "anonymous">, string> = {
  outsider: "outsider@elsewhere.example",
  viewer: "viewer@police.example",
  reviewer: "reviewer@dwp.example",
  editor: "editor@swindon.example",
  signatory: "signatory@swindon.example",
  owner: "owner@swindon.example",
};

// The outsider is not a demo user: it is added to the database before anyone signs in.
const server = useTestServer();
let planId: string;
const cookies = new Map<Who, string | undefined>();
let ownerCookie: string;

beforeAll(async () => {
  addUser(server.databasePath, EMAIL.outsider, "Olive Outsider");
  for (let i = 0; i < WHO.length; i++) addUser(server.databasePath, `target${i}@test.example`, `Target ${i}`);
  for (const who of WHO) cookies.set(who, who === "anonymous" ? undefined : await signIn(server.url, EMAIL[who]));
  ownerCookie = cookies.get("owner")!;
  planId = await demoPlanId(server.url, ownerCookie);
});

async function call(method: string, path: string, cookie: string | undefined, body?: unknown): Promise<number> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { ...(cookie ? { cookie } : {}), ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  await response.arrayBuffer();
  return response.status;
}

async function memberIdOf(email: string): Promise<string> {
  const { body } = await getJson<{ userId: string; email: string }[]>(
    server.url,
    `/api/plans/${planId}/members`,
    ownerCookie,
  );
  const member = body.find((m) => m.email === email);
  if (!member) throw new Error(`${email} is not a member`);
  return member.userId;
}

/** Each case: the request, and the status each kind of user gets. */
const ROUTES: {
  name: string;
  run: (cookie: string | undefined, index: number) => Promise<number>;
  expected: Record<Who, number>;
}[] = [
  {
    name: "GET /api/plans",
    run: (c) => call("GET", "/api/plans", c),
    expected: { anonymous: 401, outsider: 200, viewer: 200, reviewer: 200, editor: 200, signatory: 200, owner: 200 },
  },
  {
    name: "POST /api/plans",
    run: (c) => call("POST", "/api/plans", c, { templateId: "single-budget-for-a-place", title: "Mine", area: "Here" }),
    expected: { anonymous: 401, outsider: 201, viewer: 201, reviewer: 201, editor: 201, signatory: 201, owner: 201 },
  },
  {
    name: "GET /api/templates",
    run: (c) => call("GET", "/api/templates", c),
    expected: { anonymous: 401, outsider: 200, viewer: 200, reviewer: 200, editor: 200, signatory: 200, owner: 200 },
  },
  {
    name: "GET /api/plans/:id",
    run: (c) => call("GET", `/api/plans/${planId}`, c),
    expected: { anonymous: 401, outsider: 404, viewer: 200, reviewer: 200, editor: 200, signatory: 200, owner: 200 },
  },
  {
    name: "GET /api/plans/:id/members",
    run: (c) => call("GET", `/api/plans/${planId}/members`, c),
    expected: { anonymous: 401, outsider: 404, viewer: 200, reviewer: 200, editor: 200, signatory: 200, owner: 200 },
  },
  {
    name: "POST /api/plans/:id/members",
    run: (c, i) =>
      call("POST", `/api/plans/${planId}/members`, c, { email: `target${i}@test.example`, role: "viewer" }),
    expected: { anonymous: 401, outsider: 404, viewer: 403, reviewer: 403, editor: 403, signatory: 403, owner: 201 },
  },
  {
    name: "PATCH /api/plans/:id/members/:userId",
    run: async (c) =>
      call("PATCH", `/api/plans/${planId}/members/${await memberIdOf("viewer@police.example")}`, c, { role: "viewer" }),
    expected: { anonymous: 401, outsider: 404, viewer: 403, reviewer: 403, editor: 403, signatory: 403, owner: 204 },
  },
  {
    name: "DELETE /api/plans/:id/members/:userId",
    run: async (c) => call("DELETE", `/api/plans/${planId}/members/${await memberIdOf("target6@test.example")}`, c),
    expected: { anonymous: 401, outsider: 404, viewer: 403, reviewer: 403, editor: 403, signatory: 403, owner: 204 },
  },
  {
    name: "GET /api/plans/:id/audit",
    run: (c) => call("GET", `/api/plans/${planId}/audit`, c),
    expected: { anonymous: 401, outsider: 404, viewer: 403, reviewer: 403, editor: 403, signatory: 403, owner: 200 },
  },
  {
    name: "POST /api/plans/:id/sections/:key/signoffs",
    run: async (c) =>
      call("POST", `/api/plans/${planId}/sections/customer-insight/signoffs`, c, {
        contentHash: await contentHashOf(server.url, planId, "customer-insight", cookies.get("owner")!),
        password: DEMO_PASSWORD,
      }),
    expected: { anonymous: 401, outsider: 404, viewer: 403, reviewer: 403, editor: 403, signatory: 201, owner: 403 },
  },
  {
    name: "GET /api/plans/:id/sections/:key/signoffs",
    run: (c) => call("GET", `/api/plans/${planId}/sections/customer-insight/signoffs`, c),
    expected: { anonymous: 401, outsider: 404, viewer: 200, reviewer: 200, editor: 200, signatory: 200, owner: 200 },
  },
  {
    name: "GET /api/plans/:id/comments",
    run: (c) => call("GET", `/api/plans/${planId}/comments`, c),
    expected: { anonymous: 401, outsider: 404, viewer: 200, reviewer: 200, editor: 200, signatory: 200, owner: 200 },
  },
  {
    name: "POST /api/plans/:id/comments",
    run: (c) => call("POST", `/api/plans/${planId}/comments`, c, { sectionKey: "governance", body: "A comment" }),
    expected: { anonymous: 401, outsider: 404, viewer: 403, reviewer: 201, editor: 201, signatory: 201, owner: 201 },
  },
  {
    name: "DELETE /api/plans/:id/sections/:key/signoffs (only your own)",
    run: (c) => call("DELETE", `/api/plans/${planId}/sections/customer-insight/signoffs`, c),
    expected: { anonymous: 401, outsider: 404, viewer: 404, reviewer: 404, editor: 404, signatory: 204, owner: 404 },
  },
];

describe("every API route for every kind of user", () => {
  for (const route of ROUTES) {
    it(route.name, async () => {
      const actual: Partial<Record<Who, number>> = {};
      for (const [index, who] of WHO.entries()) actual[who] = await route.run(cookies.get(who), index);
      expect(actual).toEqual(route.expected);
    });
  }
});

describe("membership: bad input changes nothing", () => {
  it("invites an unknown email; refuses a malformed email, an unknown role, a duplicate member and the last owner", async () => {
    const before = (await getJson<unknown[]>(server.url, `/api/plans/${planId}/members`, ownerCookie)).body;
    const post = (body: unknown) =>
      fetch(`${server.url}/api/plans/${planId}/members`, {
        method: "POST",
        headers: { cookie: ownerCookie, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    // An email nobody has is invited, not refused: the answer no longer says who has an account.
    const unknownEmail = await post({ email: "nobody@nowhere.example", role: "editor" });
    expect(unknownEmail.status).toBe(202);
    expect(await unknownEmail.json()).toEqual({ invited: true });
    const notAnEmail = await post({ email: "not an email", role: "editor" });
    expect(notAnEmail.status).toBe(400);

    const unknownRole = await post({ email: "target0@test.example", role: "emperor" });
    expect(unknownRole.status).toBe(400);
    expect(((await unknownRole.json()) as { error: string }).error).toBe(
      "role: role must be one of owner, editor, signatory, reviewer, viewer",
    );

    const duplicate = await post({ email: "editor@swindon.example", role: "viewer" });
    expect(duplicate.status).toBe(409);

    const ownerId = await memberIdOf("owner@swindon.example");
    const removeLastOwner = await fetch(`${server.url}/api/plans/${planId}/members/${ownerId}`, {
      method: "DELETE",
      headers: { cookie: ownerCookie },
    });
    expect(removeLastOwner.status).toBe(409);
    expect(((await removeLastOwner.json()) as { error: string }).error).toContain("last owner");
    const demoteLastOwner = await call("PATCH", `/api/plans/${planId}/members/${ownerId}`, ownerCookie, {
      role: "editor",
    });
    expect(demoteLastOwner).toBe(409);

    const unknownMember = await call("DELETE", `/api/plans/${planId}/members/no-such-user`, ownerCookie);
    expect(unknownMember).toBe(404);

    expect((await getJson<unknown[]>(server.url, `/api/plans/${planId}/members`, ownerCookie)).body).toEqual(before);
  });

  it("the audit log records sign-ins' effects and every membership change, with who made it", async () => {
    const { body } = await getJson<
      { type: string; actor: { email: string } | null; detail: Record<string, unknown> }[]
    >(server.url, `/api/plans/${planId}/audit`, ownerCookie);
    const types = body.map((e) => e.type);
    expect(types).toContain("plan.created");
    expect(types).toContain("member.added");
    expect(types).toContain("member.removed");
    const added = body.find((e) => e.type === "member.added" && e.detail.email === "target6@test.example");
    expect(added?.actor?.email).toBe("owner@swindon.example");
  });
});

describe("cross-site requests", () => {
  it("a state-changing request with a foreign Origin is refused and changes nothing", async () => {
    const before = (await getJson<unknown[]>(server.url, "/api/plans", ownerCookie)).body.length;
    const response = await fetch(`${server.url}/api/plans`, {
      method: "POST",
      headers: { cookie: ownerCookie, origin: "https://evil.example", "content-type": "application/json" },
      body: JSON.stringify({ templateId: "single-budget-for-a-place", title: "Forged", area: "X" }),
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: "cross-site request refused" });
    expect((await getJson<unknown[]>(server.url, "/api/plans", ownerCookie)).body.length).toBe(before);

    const sameOrigin = await fetch(`${server.url}/api/plans`, {
      method: "POST",
      headers: { cookie: ownerCookie, origin: server.url, "content-type": "application/json" },
      body: JSON.stringify({ templateId: "single-budget-for-a-place", title: "Fine", area: "X" }),
    });
    expect(sameOrigin.status).toBe(201);
  });
});

describe("sign-in throttling", () => {
  it("after 10 failed sign-ins for an account, the 11th attempt is a 429 even with the right password", async () => {
    const own = await startServer();
    try {
      const attempt = (password: string) =>
        fetch(`${own.url}/api/session`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ email: "reviewer@dwp.example", password }),
        });
      for (let i = 0; i < 10; i++) expect((await attempt("wrong")).status).toBe(401);
      const throttled = await attempt("coplan-demo");
      expect(throttled.status).toBe(429);
      expect(Number(throttled.headers.get("retry-after"))).toBeGreaterThan(0);
    } finally {
      await own.stop();
    }
  });
});
