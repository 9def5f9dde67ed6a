import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TEMPLATES_DIR } from "../../server/services.server";
import { getJson } from "../support/http";
import { startServer } from "../support/server";
import { useTestServer } from "../support/test-server";

const OWNER = "owner@swindon.example";
const REVIEWER = "reviewer@dwp.example";

const custom = {
  id: "health-and-wellbeing-pilot",
  version: 1,
  title: "Health and wellbeing pilot plan",
  description: "A small plan for a joint health pilot.",
  source: "Written for a test",
  sections: [
    { key: "aims", title: "Aims", kind: "text", guidance: "What the pilot is for.", signoff: ["local"] },
    { key: "money", title: "Money", kind: "budget", guidance: "What it costs.", signoff: ["local", "whitehall"] },
  ],
};

const server = useTestServer({ users: [OWNER, REVIEWER] });

function importTemplate(body: string, cookie = server.cookie(OWNER)) {
  return fetch(`${server.url}/api/templates`, {
    method: "POST",
    headers: { cookie, "content-type": "application/json" },
    body,
  });
}

describe("templates", () => {
  it("GET /api/templates lists the three built-in templates with each section's sign-off sides", async () => {
    const { body } = await getJson<{ id: string; sections: { signoff: string[] }[] }[]>(
      server.url,
      "/api/templates",
      server.cookie(OWNER),
    );
    expect(body.map((t) => t.id)).toEqual([
      "families-with-multiple-problems",
      "neighbourhood-community-budget",
      "single-budget-for-a-place",
    ]);
    expect(body.every((t) => t.sections.every((s) => s.signoff.length > 0))).toBe(true);
  });

  it("an imported template is validated, listed for its importer only, and plans can start from it", async () => {
    const created = await importTemplate(JSON.stringify(custom));
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ id: "health-and-wellbeing-pilot" });

    const mine = await getJson<{ id: string }[]>(server.url, "/api/templates", server.cookie(OWNER));
    expect(mine.body.map((t) => t.id)).toContain("health-and-wellbeing-pilot");
    const theirs = await getJson<{ id: string }[]>(server.url, "/api/templates", server.cookie(REVIEWER));
    expect(theirs.body.map((t) => t.id)).not.toContain("health-and-wellbeing-pilot");

    const plan = await fetch(`${server.url}/api/plans`, {
      method: "POST",
      headers: { cookie: server.cookie(OWNER), "content-type": "application/json" },
      body: JSON.stringify({ templateId: "health-and-wellbeing-pilot", title: "Pilot", area: "Swindon" }),
    });
    expect(plan.status).toBe(201);
    const { id } = (await plan.json()) as { id: string };
    const view = await getJson<{ sections: { key: string; data: unknown }[] }>(
      server.url,
      `/api/plans/${id}`,
      server.cookie(OWNER),
    );
    expect(view.body.sections.map((s) => s.key)).toEqual(["aims", "money"]);

    expect((await importTemplate(JSON.stringify(custom))).status).toBe(409);
    const builtInId = await importTemplate(JSON.stringify({ ...custom, id: "single-budget-for-a-place" }));
    expect(builtInId.status).toBe(409);
  });

  it("an invalid import is refused with the path inside it and what is wrong, and nothing is stored", async () => {
    const broken = {
      ...custom,
      id: "broken-one",
      sections: [
        { ...custom.sections[0], kind: "poem" },
        { ...custom.sections[1], signoff: [] },
      ],
    };
    const response = await importTemplate(JSON.stringify(broken));
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: string };
    expect(error).toContain("Invalid plan template the uploaded template");
    expect(error).toContain("at sections[0].kind: Invalid option");
    expect(error).toContain("at sections[1].signoff: at least one side must sign the section off");
    expect((await importTemplate("{ nope")).status).toBe(400);
    const list = await getJson<{ id: string }[]>(server.url, "/api/templates", server.cookie(OWNER));
    expect(list.body.map((t) => t.id)).not.toContain("broken-one");
  });

  it("a built-in template that fails validation stops the server at start, naming the file, the path and the problem", async () => {
    const dir = mkdtempSync(join(tmpdir(), "coplan-templates-"));
    cpSync(TEMPLATES_DIR, dir, { recursive: true });
    const file = join(dir, "families-with-multiple-problems.json");
    const template = JSON.parse(readFileSync(file, "utf8"));
    template.sections[3].signoff = ["local", "parliament"];
    writeFileSync(file, JSON.stringify(template));
    await expect(startServer({ env: { PLAN_TEMPLATES_DIR: dir } })).rejects.toThrow(
      /Invalid plan template families-with-multiple-problems\.json:\n\s+at sections\[3\]\.signoff\[1\]: Invalid option/,
    );
  });
});
