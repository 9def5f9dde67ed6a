import { describe, expect, it } from "vitest";
import { getJson } from "../support/http";
import { useTestServer } from "../support/test-server";

const OWNER = "owner@swindon.example";
const VIEWER = "viewer@police.example";

const server = useTestServer({ users: [OWNER, VIEWER] });

function post(path: string, body: string, cookie?: string) {
  return fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}) },
    body,
  });
}

describe("the HTTP API", () => {
  it("GET /api/health answers ok", async () => {
    expect(await getJson(server.url, "/api/health")).toEqual({ status: 200, body: { ok: true } });
  });

  it("the icons browsers ask for are there, so asking logs no error", async () => {
    for (const [path, type] of [
      ["/favicon.ico", "image/x-icon"],
      ["/favicon.svg", "image/svg+xml"],
    ]) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get("content-type"), path).toContain(type);
      await response.arrayBuffer();
    }
    const page = await (await fetch(`${server.url}/login`)).text();
    expect(page).toContain('<link rel="icon" href="/favicon.svg" type="image/svg+xml"/>');
    expect(server.output()).not.toContain("favicon");
  });

  it("sign-in: a wrong password is a 401 with a clear error, bad JSON a 400", async () => {
    const wrong = await post("/api/session", JSON.stringify({ email: "owner@swindon.example", password: "nope" }));
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: "wrong email or password" });
    expect(wrong.headers.get("set-cookie")).toBeNull();

    const malformed = await post("/api/session", "{email:");
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual({ error: "request body must be valid JSON" });

    const wrongType = await post("/api/session", JSON.stringify({ email: 5, password: "x" }));
    expect(wrongType.status).toBe(400);
    expect(((await wrongType.json()) as { error: string }).error).toMatch(/^email:/);
  });

  it("the session cookie is httpOnly and SameSite=Lax, and DELETE ends the session", async () => {
    const response = await post(
      "/api/session",
      JSON.stringify({ email: "editor@swindon.example", password: "coplan-demo" }),
    );
    const setCookie = response.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const cookie = setCookie.split(";")[0]!;
    expect((await getJson(server.url, "/api/plans", cookie)).status).toBe(200);
    const out = await fetch(`${server.url}/api/session`, { method: "DELETE", headers: { cookie } });
    expect(out.status).toBe(204);
    expect((await getJson(server.url, "/api/plans", cookie)).status).toBe(401);
  });

  it("anonymous requests get 401 JSON; unknown API routes 404 JSON", async () => {
    expect(await getJson(server.url, "/api/plans")).toEqual({ status: 401, body: { error: "sign in required" } });
    expect(await getJson(server.url, "/api/templates")).toMatchObject({ status: 401 });
    expect(await getJson(server.url, "/api/no-such-thing", server.cookie(OWNER))).toEqual({
      status: 404,
      body: { error: "no such API route" },
    });
  });

  it("lists templates with each section's required sign-off sides", async () => {
    const { status, body } = await getJson<{ id: string; sections: { key: string; signoff: string[] }[] }[]>(
      server.url,
      "/api/templates",
      server.cookie(OWNER),
    );
    expect(status).toBe(200);
    const single = body.find((t) => t.id === "single-budget-for-a-place");
    expect(single?.sections[0]).toEqual({
      key: "shadow-budget",
      title: "Shadow budget for the place",
      kind: "budget",
      signoff: ["local", "whitehall"],
    });
  });

  it("creates a plan, lists it for its owner only, and returns it with every section", async () => {
    const created = await post(
      "/api/plans",
      JSON.stringify({ templateId: "single-budget-for-a-place", title: "Test plan", area: "Hull" }),
      server.cookie(OWNER),
    );
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };

    const mine = await getJson<{ id: string; role: string }[]>(server.url, "/api/plans", server.cookie(OWNER));
    expect(mine.body.find((p) => p.id === id)?.role).toBe("owner");
    const theirs = await getJson<{ id: string }[]>(server.url, "/api/plans", server.cookie(VIEWER));
    expect(theirs.body.map((p) => p.id)).not.toContain(id);

    const plan = await getJson<{
      id: string;
      title: string;
      area: string;
      templateId: string;
      status: string;
      sections: { key: string; text: string; data: unknown; signoff: { state: string } }[];
    }>(server.url, `/api/plans/${id}`, server.cookie(OWNER));
    expect(plan.status).toBe(200);
    expect(plan.body).toMatchObject({
      id,
      title: "Test plan",
      area: "Hull",
      templateId: "single-budget-for-a-place",
      status: "draft",
    });
    expect(plan.body.sections).toHaveLength(14);
    expect(plan.body.sections[0]).toMatchObject({
      key: "shadow-budget",
      text: "",
      data: {},
      signoff: { state: "unsigned" },
    });
  });

  it("a plan the user is not a member of is a 404, like one that does not exist", async () => {
    const created = await post(
      "/api/plans",
      JSON.stringify({ templateId: "single-budget-for-a-place", title: "Private", area: "Kent" }),
      server.cookie(OWNER),
    );
    const { id } = (await created.json()) as { id: string };
    expect(await getJson(server.url, `/api/plans/${id}`, server.cookie(VIEWER))).toEqual({
      status: 404,
      body: { error: "plan not found" },
    });
    expect((await getJson(server.url, "/api/plans/does-not-exist", server.cookie(OWNER))).status).toBe(404);
  });

  it("refuses a plan with an unknown template or missing fields, storing nothing", async () => {
    const before = (await getJson<unknown[]>(server.url, "/api/plans", server.cookie(OWNER))).body.length;
    const unknown = await post(
      "/api/plans",
      JSON.stringify({ templateId: "nope", title: "X", area: "Y" }),
      server.cookie(OWNER),
    );
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({ error: 'templateId: unknown template "nope"' });
    const missing = await post(
      "/api/plans",
      JSON.stringify({ templateId: "single-budget-for-a-place" }),
      server.cookie(OWNER),
    );
    expect(missing.status).toBe(400);
    const huge = await post(
      "/api/plans",
      JSON.stringify({ templateId: "x", title: "t".repeat(600_000), area: "a" }),
      server.cookie(OWNER),
    );
    expect(huge.status).toBe(413);
    expect((await getJson<unknown[]>(server.url, "/api/plans", server.cookie(OWNER))).body.length).toBe(before);
  });

  it("the demo plan's seeded text is in the API's plain text", async () => {
    const plans = await getJson<{ id: string }[]>(server.url, "/api/plans", server.cookie(VIEWER));
    const plan = await getJson<{ sections: { key: string; text: string }[] }>(
      server.url,
      `/api/plans/${plans.body[0]!.id}`,
      server.cookie(VIEWER),
    );
    expect(plan.body.sections.find((s) => s.key === "customer-insight")?.text).toMatch(/^Between May and July/);
  });
});
