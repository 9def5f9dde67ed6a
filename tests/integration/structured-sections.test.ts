import { afterEach, describe, expect, it } from "vitest";
import { budgetTotals } from "../../app/shared/budget";
import { sectionDataName } from "../../app/shared/doc-names";
import { addRow, deleteRow, moveRow, rowsOf, setAmount, setField } from "../../app/shared/section-rows";
import { getJson } from "../support/http";
import { useTestServer } from "../support/test-server";
import { connectClient, waitFor, waitForSync, type TestClient } from "../support/yjs-client";

const OWNER = "owner@swindon.example";
const EDITOR = "editor@swindon.example";
const clients: TestClient[] = [];

const server = useTestServer({ users: [OWNER, EDITOR] });
afterEach(() => {
  for (const c of clients.splice(0)) c.destroy();
});
async function newPlan(templateId: string): Promise<string> {
  const response = await fetch(`${server.url}/api/plans`, {
    method: "POST",
    headers: { cookie: server.cookie(OWNER), "content-type": "application/json" },
    body: JSON.stringify({ templateId, title: "Structured", area: "Hull" }),
  });
  const { id } = (await response.json()) as { id: string };
  await fetch(`${server.url}/api/plans/${id}/members`, {
    method: "POST",
    headers: { cookie: server.cookie(OWNER), "content-type": "application/json" },
    body: JSON.stringify({ email: "editor@swindon.example", role: "editor" }),
  });
  return id;
}

async function pair(planId: string): Promise<[TestClient, TestClient]> {
  const a = connectClient(server.url, planId, server.cookie(OWNER));
  const b = connectClient(server.url, planId, server.cookie(EDITOR));
  clients.push(a, b);
  await Promise.all([waitForSync(a), waitForSync(b)]);
  return [a, b];
}

function json(client: TestClient, key: string) {
  return client.doc.getMap(sectionDataName(key)).toJSON() as { rows: Record<string, unknown>[]; years: string[] };
}

describe("structured sections co-edited live", () => {
  it("a new plan's structured sections start with empty rows and the default years", async () => {
    const planId = await newPlan("families-with-multiple-problems");
    const plan = await getJson<{ sections: { key: string; kind: string; data: unknown }[] }>(
      server.url,
      `/api/plans/${planId}`,
      server.cookie(OWNER),
    );
    expect(plan.body.sections.map((s) => s.key)).toEqual([
      "partnership",
      "resources",
      "barriers-and-flexibilities",
      "outcomes",
      "approach",
      "set-up-plan",
    ]);
    expect(plan.body.sections.find((s) => s.key === "resources")?.data).toEqual({
      rows: [],
      years: ["2012-13", "2013-14", "2014-15"],
    });
    expect(plan.body.sections.find((s) => s.key === "outcomes")?.data).toEqual({ rows: [] });
    expect(plan.body.sections.find((s) => s.key === "partnership")?.data).toEqual({});
  });

  it("two clients adding and editing budget rows at once end with the same rows, and the API agrees on the totals", async () => {
    const planId = await newPlan("families-with-multiple-problems");
    const [a, b] = await pair(planId);
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const idA = addRow(a.doc, "resources", "budget", { organisation: "Hull City Council", treatment: "pooled" });
      setAmount(a.doc, "resources", idA, "2012-13", (i + 1) * 1000_00);
      const idB = addRow(b.doc, "resources", "budget", { organisation: "DWP", treatment: "aligned" });
      setAmount(b.doc, "resources", idB, "2013-14", (i + 1) * 500_00);
      ids.push(idA, idB);
    }
    await waitFor(
      () => json(a, "resources").rows.length === 20 && json(b, "resources").rows.length === 20,
      10_000,
      "20 rows on both",
    );
    setField(b.doc, "resources", ids[0]!, "notes", "edited by B");
    setField(a.doc, "resources", ids[1]!, "fundingLine", "Work Programme");
    await waitFor(
      () => JSON.stringify(json(a, "resources")) === JSON.stringify(json(b, "resources")),
      10_000,
      "identical rows",
    );
    const rows = json(a, "resources").rows;
    expect(new Set(rows.map((r) => r.id)).size).toBe(20);
    expect(rows.find((r) => r.id === ids[0])?.notes).toBe("edited by B");
    expect(rows.find((r) => r.id === ids[1])?.fundingLine).toBe("Work Programme");

    const expected = budgetTotals(json(a, "resources"));
    expect(expected.total).toBe(55_000_00 + 27_500_00);
    await waitFor(
      async () => {
        const plan = await getJson<{ sections: { key: string; totals?: unknown }[] }>(
          server.url,
          `/api/plans/${planId}`,
          server.cookie(OWNER),
        );
        return (
          JSON.stringify(plan.body.sections.find((s) => s.key === "resources")?.totals) === JSON.stringify(expected)
        );
      },
      10_000,
      "the API's totals",
    );
  });

  it("concurrent deletes, moves and edits converge with no row lost or duplicated", async () => {
    const planId = await newPlan("single-budget-for-a-place");
    const [a, b] = await pair(planId);
    const ids = ["one", "two", "three", "four"].map((gap) => addRow(a.doc, "gap-analysis", "gap", { theme: gap }));
    await waitFor(() => rowsOf(b.doc, "gap-analysis").length === 4, 10_000, "rows on B");

    deleteRow(a.doc, "gap-analysis", ids[0]!);
    moveRow(b.doc, "gap-analysis", ids[3]!, -1);
    setField(b.doc, "gap-analysis", ids[1]!, "asIs", "Ten assessments per family");
    addRow(a.doc, "gap-analysis", "gap", { theme: "five" });

    const themes = (c: TestClient) =>
      rowsOf(c.doc, "gap-analysis")
        .toJSON()
        .map((r: { theme: string }) => r.theme);
    const state = (c: TestClient) => JSON.stringify(rowsOf(c.doc, "gap-analysis").toJSON());
    await waitFor(() => state(a) === state(b) && state(a).includes("Ten assessments"), 10_000, "convergence");
    expect(themes(a)).toEqual(["two", "four", "three", "five"]);
    expect(rowsOf(a.doc, "gap-analysis").toJSON()[0].asIs).toBe("Ten assessments per family");
  });
});
