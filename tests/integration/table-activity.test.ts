import { afterEach, describe, expect, it } from "vitest";
import { addRow, removeYear, setAmount, setField } from "../../app/shared/section-rows";
import { getJson } from "../support/http";
import { useTestServer } from "../support/test-server";
import { connectClient, waitFor, waitForSync, type TestClient } from "../support/yjs-client";

const OWNER = "owner@swindon.example";
const clients: TestClient[] = [];
const server = useTestServer({ users: [OWNER] });
afterEach(() => {
  for (const c of clients.splice(0)) c.destroy();
});

interface AuditRow {
  type: string;
  actor: { email: string } | null;
  detail: Record<string, unknown>;
}

async function newPlan(): Promise<string> {
  const response = await fetch(`${server.url}/api/plans`, {
    method: "POST",
    headers: { cookie: server.cookie(OWNER), "content-type": "application/json" },
    body: JSON.stringify({ templateId: "single-budget-for-a-place", title: "Table activity", area: "Hull" }),
  });
  return ((await response.json()) as { id: string }).id;
}

const audit = async (planId: string) =>
  (await getJson<AuditRow[]>(server.url, `/api/plans/${planId}/audit`, server.cookie(OWNER))).body.filter((entry) =>
    ["budget.year-removed", "table.rows-changed"].includes(entry.type),
  );

describe("table edits made in the browser reach the audit log", () => {
  it("records a removed financial year with its money, and an import's rows, but not one row added or a cell typed", async () => {
    const planId = await newPlan();
    const client = connectClient(server.url, planId, server.cookie(OWNER));
    clients.push(client);
    await waitForSync(client);
    const { doc } = client;

    // One row added, then its cells filled in one at a time: everyday editing, not logged.
    const first = addRow(doc, "shadow-budget", "budget", { organisation: "Hull City Council", treatment: "pooled" });
    setAmount(doc, "shadow-budget", first, "2012-13", 500_000_00);
    setField(doc, "shadow-budget", first, "notes", "From the council's return");

    // An import: several rows written in one update, as the preview's "Import" does.
    doc.transact(() => {
      setAmount(doc, "shadow-budget", first, "2012-13", 600_000_00);
      for (const organisation of ["DWP", "NHS Hull", "Humberside Police"]) {
        const id = addRow(doc, "shadow-budget", "budget", { organisation, treatment: "aligned" });
        setAmount(doc, "shadow-budget", id, "2012-13", 100_000_00);
      }
    });
    removeYear(doc, "shadow-budget", "2012-13");

    await waitFor(async () => (await audit(planId)).length === 2, 10_000, "two audit entries");
    const entries = (await audit(planId)).reverse();
    expect(entries.map(({ type, actor, detail }) => ({ type, actor: actor?.email, detail }))).toEqual([
      {
        type: "table.rows-changed",
        actor: OWNER,
        detail: { sectionKey: "shadow-budget", added: 3, removed: 0, updated: 1 },
      },
      {
        type: "budget.year-removed",
        actor: OWNER,
        detail: { sectionKey: "shadow-budget", year: "2012-13", pence: 900_000_00 },
      },
    ]);

    const page = await fetch(`${server.url}/plans/${planId}/activity`, { headers: { cookie: server.cookie(OWNER) } });
    const html = await page.text();
    expect(html).toContain("from ‘Shadow budget for the place’, and with it £900,000 from its totals");
    expect(html).toContain("added 3 rows and changed 1 row of ‘Shadow budget for the place’ in one go");
  });
});
