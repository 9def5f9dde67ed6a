import { afterEach, describe, expect, it } from "vitest";
import { getJson, requestJson } from "../support/http";
import { useTestServer } from "../support/test-server";
import { connectClient, waitFor, waitForSync, type TestClient } from "../support/yjs-client";

const OWNER = "owner@swindon.example";
const EDITOR = "editor@swindon.example";
const VIEWER = "viewer@police.example";
const server = useTestServer({ users: [OWNER, EDITOR, VIEWER], demoPlan: true });
const clients: TestClient[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
});

async function newPlan(title: string): Promise<string> {
  const created = await requestJson(server.url, "POST", "/api/plans", server.cookie(OWNER), {
    templateId: "families-with-multiple-problems",
    title,
    area: "Leeds",
  });
  expect(created.status).toBe(201);
  await requestJson(server.url, "POST", `/api/plans/${created.body.id}/members`, server.cookie(OWNER), {
    email: EDITOR,
    role: "editor",
  });
  return created.body.id as string;
}

const planOf = (id: string, as = OWNER) =>
  getJson<{ title: string; area: string }>(server.url, `/api/plans/${id}`, server.cookie(as));

describe("renaming, archiving and deleting plans", () => {
  it("an owner renames a plan; others get 403 and bad input a 400, and nothing changes", async () => {
    const id = await newPlan("Leeds draft");
    const path = `/api/plans/${id}`;
    expect(
      (await requestJson(server.url, "PATCH", path, server.cookie(OWNER), { title: "  Leeds plan  " })).status,
    ).toBe(204);
    expect((await planOf(id)).body).toMatchObject({ title: "Leeds plan", area: "Leeds" });

    const refused = await requestJson(server.url, "PATCH", path, server.cookie(EDITOR), { title: "Mine now" });
    expect(refused).toEqual({ status: 403, body: { error: expect.stringContaining("owners") } });
    expect((await requestJson(server.url, "DELETE", path, server.cookie(EDITOR))).status).toBe(403);
    for (const bad of [
      {},
      { title: "" },
      { title: "x".repeat(201) },
      { archived: "yes" },
      { owner: "me" },
      "not json",
    ]) {
      const answer = await requestJson(server.url, "PATCH", path, server.cookie(OWNER), bad);
      expect(answer.status, JSON.stringify(bad)).toBe(400);
      expect(typeof answer.body.error).toBe("string");
    }
    expect((await requestJson(server.url, "PATCH", path, server.cookie(VIEWER), { title: "x" })).status).toBe(404);
    expect((await requestJson(server.url, "PATCH", path, undefined, { title: "x" })).status).toBe(401);
    expect((await requestJson(server.url, "PUT", path, server.cookie(OWNER), { title: "x" })).status).toBe(405);
    expect((await planOf(id)).body.title).toBe("Leeds plan");
  });

  it("an archived plan leaves the plans page's default list and comes back when unarchived; GET /api/plans still lists it", async () => {
    const id = await newPlan("Leeds to archive");
    const page = async (query = "") => {
      const response = await fetch(`${server.url}/plans${query}`, { headers: { cookie: server.cookie(OWNER) } });
      return response.text();
    };
    expect(await page()).toContain("Leeds to archive");
    await requestJson(server.url, "PATCH", `/api/plans/${id}`, server.cookie(OWNER), { archived: true });
    expect(await page()).not.toContain("Leeds to archive");
    expect(await page("?show=archived")).toContain("Leeds to archive");
    const list = await getJson<{ id: string }[]>(server.url, "/api/plans", server.cookie(OWNER));
    expect(list.body.map((plan) => plan.id)).toContain(id);
    await requestJson(server.url, "PATCH", `/api/plans/${id}`, server.cookie(OWNER), { archived: false });
    expect(await page()).toContain("Leeds to archive");
  });

  it("deleting a plan removes it for everyone and disconnects whoever has it open", async () => {
    const id = await newPlan("Leeds to delete");
    const editor = connectClient(server.url, id, server.cookie(EDITOR));
    clients.push(editor);
    await waitForSync(editor);
    let closed: number | undefined;
    editor.provider.on("connection-close", (event: CloseEvent | null) => (closed ??= event?.code));
    expect((await requestJson(server.url, "DELETE", `/api/plans/${id}`, server.cookie(OWNER))).status).toBe(204);
    await waitFor(() => closed !== undefined);
    expect(closed).toBe(4403);
    expect((await planOf(id)).status).toBe(404);
    expect((await planOf(id, EDITOR)).status).toBe(404);
    const list = await getJson<{ id: string }[]>(server.url, "/api/plans", server.cookie(EDITOR));
    expect(list.body.map((plan) => plan.id)).not.toContain(id);
    expect((await requestJson(server.url, "DELETE", `/api/plans/${id}`, server.cookie(OWNER))).status).toBe(404);
    expect((await getJson(server.url, `/api/plans/${server.demoPlanId}`, server.cookie(OWNER))).status).toBe(200);
  });
});
