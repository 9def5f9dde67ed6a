import { toBase64 } from "lib0/buffer";
import { afterEach, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { sectionFragmentName } from "../../app/shared/doc-names";
import { addRow, setAmount, yearsOf } from "../../app/shared/section-rows";
import { requestJson, signOff } from "../support/http";
import { useTestServer } from "../support/test-server";
import { connectClient, waitFor, waitForSync, type TestClient } from "../support/yjs-client";

const OWNER = "owner@swindon.example";
const EDITOR = "editor@swindon.example";
const LOCAL = "signatory@swindon.example";
const REVIEWER = "reviewer@dwp.example";
const VIEWER = "viewer@police.example";
const SENTENCE = "We fund twelve families this year.";

const server = useTestServer({ users: [OWNER, EDITOR, LOCAL, REVIEWER, VIEWER] });
const clients: TestClient[] = [];

afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
});

const send = (method: string, path: string, as: string, body?: unknown) =>
  requestJson(server.url, method, path, server.cookie(as), body);

interface SectionBody {
  key: string;
  text: string;
  contentHash: string;
  data?: { rows?: { id: string; amounts?: Record<string, number> }[] };
  signoff: { state: string };
}

/** A plan with a sentence in "customer-insight" and one budget row of £1,000 in its first year. */
async function planWithContent() {
  const created = await send("POST", "/api/plans", OWNER, {
    templateId: "single-budget-for-a-place",
    title: "Suggestions",
    area: "York",
  });
  const planId = created.body.id as string;
  for (const [email, role] of [
    [EDITOR, "editor"],
    [LOCAL, "signatory"],
    [REVIEWER, "reviewer"],
    [VIEWER, "viewer"],
  ]) {
    expect((await send("POST", `/api/plans/${planId}/members`, OWNER, { email, role })).status).toBe(201);
  }
  const editor = connectClient(server.url, planId, server.cookie(EDITOR));
  clients.push(editor);
  await waitForSync(editor);
  const paragraph = new Y.XmlElement("paragraph");
  const text = new Y.XmlText(SENTENCE);
  paragraph.insert(0, [text]);
  editor.doc.getXmlFragment(sectionFragmentName("customer-insight")).insert(0, [paragraph]);
  const year = yearsOf(editor.doc, "shadow-budget").get(0);
  const rowId = addRow(editor.doc, "shadow-budget", "budget", { organisation: "Swindon" });
  setAmount(editor.doc, "shadow-budget", rowId, year, 100_000);
  await waitFor(async () => (await section(planId, "shadow-budget")).data?.rows?.length === 1, 5000, "the row");
  await waitFor(async () => (await section(planId, "customer-insight")).text === SENTENCE, 5000, "the sentence");
  return { planId, editor, text, rowId, year };
}

async function section(planId: string, key: string): Promise<SectionBody> {
  const plan = await send("GET", `/api/plans/${planId}`, OWNER);
  return (plan.body.sections as SectionBody[]).find((s) => s.key === key)!;
}

function anchorIn(text: Y.XmlText, index: number, length: number) {
  return {
    start: toBase64(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, index, 0))),
    end: toBase64(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, index + length, -1))),
  };
}

const TWELVE = SENTENCE.indexOf("twelve");

describe("suggestions through the API", () => {
  it("a pending text and cell suggestion leave text, data, contentHash and the sign-off as they were; accepting changes them and stales it", async () => {
    const { planId, text, rowId, year } = await planWithContent();
    expect((await signOff(server.url, planId, "customer-insight", server.cookie(LOCAL))).status).toBe(201);
    const before = { text: await section(planId, "customer-insight"), budget: await section(planId, "shadow-budget") };
    expect(before.text.signoff.state).toBe("signed");

    const made = await send("POST", `/api/plans/${planId}/suggestions`, REVIEWER, {
      sectionKey: "customer-insight",
      anchor: anchorIn(text, TWELVE, "twelve".length),
      text: "fourteen",
    });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({
      kind: "text",
      status: "open",
      removed: "twelve",
      added: "fourteen",
      author: { name: "Priya Nair", organisation: "DWP" },
    });
    const cell = await send("POST", `/api/plans/${planId}/suggestions`, REVIEWER, {
      sectionKey: "shadow-budget",
      rowId,
      field: `amounts.${year}`,
      value: 250_000,
    });
    expect(cell.status).toBe(201);
    expect(cell.body).toMatchObject({ kind: "cell", status: "open", from: 100_000, to: 250_000, rowId });

    const pending = { text: await section(planId, "customer-insight"), budget: await section(planId, "shadow-budget") };
    expect(pending.text.text).toBe(SENTENCE);
    expect(pending.text.contentHash).toBe(before.text.contentHash);
    expect(pending.budget.data).toEqual(before.budget.data);
    expect(pending.budget.contentHash).toBe(before.budget.contentHash);
    // Staleness is checked a moment after an edit: give it that moment.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await section(planId, "customer-insight")).signoff.state).toBe("signed");
    const listed = await send("GET", `/api/plans/${planId}/suggestions`, VIEWER);
    expect(listed.body.map((s: { id: string }) => s.id)).toEqual([cell.body.id, made.body.id]);

    const accepted = await send("POST", `/api/plans/${planId}/suggestions/${made.body.id}/accept`, EDITOR);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ status: "accepted", decidedBy: { name: expect.any(String) } });
    expect((await section(planId, "customer-insight")).text).toBe("We fund fourteen families this year.");
    await waitFor(
      async () => (await section(planId, "customer-insight")).signoff.state === "stale",
      5000,
      "the sign-off gone stale",
    );
    expect((await send("POST", `/api/plans/${planId}/suggestions/${cell.body.id}/accept`, LOCAL)).status).toBe(200);
    expect((await section(planId, "shadow-budget")).data?.rows?.[0]?.amounts?.[year]).toBe(250_000);

    const audit = await send("GET", `/api/plans/${planId}/audit`, OWNER);
    const entry = (audit.body as { type: string; detail: Record<string, unknown> }[]).find(
      (e) => e.type === "suggestion.accepted" && e.detail.suggestionId === made.body.id,
    );
    expect(entry?.detail).toMatchObject({ removed: "twelve", added: "fourteen" });
    const told = await send("GET", "/api/notifications", REVIEWER);
    expect(told.body.filter((n: { type: string }) => n.type === "suggestion-decided")).toHaveLength(2);
  });

  it("accepting after the words or the cell changed is a 409 that changes nothing", async () => {
    const { planId, editor, text, rowId, year } = await planWithContent();
    const made = await send("POST", `/api/plans/${planId}/suggestions`, REVIEWER, {
      sectionKey: "customer-insight",
      anchor: anchorIn(text, TWELVE, "twelve".length),
      text: "fourteen",
    });
    const cell = await send("POST", `/api/plans/${planId}/suggestions`, REVIEWER, {
      sectionKey: "shadow-budget",
      rowId,
      field: "organisation",
      value: "Swindon Borough Council",
    });
    await waitFor(() => text.toString().includes("fourteen"), 5000, "the suggestion reaching the editor");
    // The editor deletes the words the suggestion would take out, and changes the cell.
    text.delete(TWELVE, "twelve".length);
    setAmount(editor.doc, "shadow-budget", rowId, year, 1);
    const rows = editor.doc.getMap("data:shadow-budget").get("rows") as Y.Array<Y.Map<unknown>>;
    rows.get(0).set("organisation", "Swindon BC");
    await waitFor(async () => (await section(planId, "shadow-budget")).data?.rows?.[0]?.amounts?.[year] === 1);
    const before = { text: await section(planId, "customer-insight"), budget: await section(planId, "shadow-budget") };

    const refusedText = await send("POST", `/api/plans/${planId}/suggestions/${made.body.id}/accept`, OWNER);
    expect(refusedText.status).toBe(409);
    const refusedCell = await send("POST", `/api/plans/${planId}/suggestions/${cell.body.id}/accept`, OWNER);
    expect(refusedCell.status).toBe(409);
    expect(refusedCell.body.error).toContain("changed");
    expect(await section(planId, "customer-insight")).toEqual(before.text);
    expect(await section(planId, "shadow-budget")).toEqual(before.budget);

    // A cell in a row deleted since: 409 too.
    const other = await send("POST", `/api/plans/${planId}/suggestions`, REVIEWER, {
      sectionKey: "shadow-budget",
      rowId,
      field: "organisation",
      value: "Another name",
    });
    rows.delete(0, 1);
    await waitFor(async () => (await section(planId, "shadow-budget")).data?.rows?.length === 0);
    expect((await send("POST", `/api/plans/${planId}/suggestions/${other.body.id}/accept`, OWNER)).status).toBe(409);
  });

  it("answers every role as the contract says, and bad input with a clear 4xx", async () => {
    const { planId, text, rowId } = await planWithContent();
    const base = `/api/plans/${planId}/suggestions`;
    const textBody = { sectionKey: "customer-insight", anchor: anchorIn(text, 0, 2), text: "Our" };
    expect((await send("POST", base, VIEWER, textBody)).status).toBe(403);
    expect((await send("GET", base, VIEWER)).status).toBe(200);
    const byRole = new Map<string, string>();
    for (const who of [OWNER, EDITOR, LOCAL, REVIEWER]) {
      const made = await send("POST", base, who, {
        sectionKey: "shadow-budget",
        rowId,
        field: "organisation",
        value: `Named by ${who}`,
      });
      expect(made.status, who).toBe(201);
      byRole.set(who, made.body.id);
    }
    const reviewers = byRole.get(REVIEWER)!;
    for (const who of [REVIEWER, VIEWER]) {
      expect((await send("POST", `${base}/${reviewers}/accept`, who)).status, who).toBe(403);
      expect((await send("POST", `${base}/${reviewers}/reject`, who, {})).status, who).toBe(403);
    }
    expect((await send("POST", `${base}/${reviewers}/withdraw`, EDITOR)).status).toBe(403);
    const withdrawn = await send("POST", `${base}/${reviewers}/withdraw`, REVIEWER);
    expect(withdrawn.body).toMatchObject({ status: "withdrawn" });
    expect((await send("POST", `${base}/${reviewers}/accept`, OWNER)).status).toBe(409);
    const rejected = await send("POST", `${base}/${byRole.get(EDITOR)}/reject`, LOCAL, {
      reason: "Keep the short name",
    });
    expect(rejected.body).toMatchObject({ status: "rejected", reason: "Keep the short name" });
    expect((await send("POST", `${base}/${byRole.get(OWNER)}/reject`, EDITOR)).status).toBe(200);

    expect((await send("POST", `${base}/no-such-id/accept`, OWNER)).status).toBe(404);
    expect((await send("POST", `${base}/${reviewers}/approve`, OWNER)).status).toBe(404);
    expect((await send("POST", base, REVIEWER, { ...textBody, text: "x".repeat(1_000_000) })).status).toBeOneOf([
      400, 413,
    ]);
    expect((await send("POST", base, REVIEWER, { ...textBody, sectionKey: "governance" })).status).toBe(400);
    expect((await send("POST", base, REVIEWER, { ...textBody, sectionKey: "nope" })).status).toBe(400);
    expect(
      (
        await send("POST", base, REVIEWER, {
          sectionKey: "shadow-budget",
          rowId: "gone",
          field: "organisation",
          value: "x",
        })
      ).status,
    ).toBe(400);
    expect(
      (await send("POST", base, REVIEWER, { sectionKey: "shadow-budget", rowId, field: "rowType", value: "asset" }))
        .status,
    ).toBe(400);
    // An anchor on words the server has not received.
    const unsent = new Y.Doc();
    const stray = new Y.XmlText("not on the server");
    unsent.getXmlFragment(sectionFragmentName("customer-insight")).insert(0, [stray]);
    expect((await send("POST", base, REVIEWER, { ...textBody, anchor: anchorIn(stray, 0, 3) })).status).toBe(409);
    expect((await send("POST", base, REVIEWER, {})).status).toBe(400);
  });
});
