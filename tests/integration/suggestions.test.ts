import { request } from "node:http";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { sectionFragmentName } from "../../app/shared/doc-names";
import { setAmount } from "../../app/shared/section-rows";
import { signOff } from "../support/http";
import { anchorIn, EDITOR, OWNER, SENTENCE, useSuggestionPlans } from "../support/suggestion-plan";
import { useTestServer } from "../support/test-server";
import { waitFor } from "../support/yjs-client";

const LOCAL = "signatory@swindon.example";
const REVIEWER = "reviewer@dwp.example";
const VIEWER = "viewer@police.example";

const server = useTestServer({ users: [OWNER, EDITOR, LOCAL, REVIEWER, VIEWER] });
const { send, section, planWithContent: planWith } = useSuggestionPlans(server);

const MEMBERS = [
  [EDITOR, "editor"],
  [LOCAL, "signatory"],
  [REVIEWER, "reviewer"],
  [VIEWER, "viewer"],
] as const;

/** A plan with SENTENCE in "customer-insight" and one budget row (Swindon, £1,000 in its first year). */
const planWithContent = () => planWith("Suggestions", MEMBERS);

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
    // A 1 MB text is refused by its declared length before a byte of it is read; the body is only
    // sent after the answer, since a server closing on an unread upload can reset the answer away.
    expect(await answerToDeclaredBody(`${server.url}${base}`, server.cookie(REVIEWER), 1_000_000 + 100)).toBe(413);
    expect((await send("POST", base, REVIEWER, { ...textBody, text: "x".repeat(100_000) })).status).toBe(400);
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

describe("one author's proposals for one cell", () => {
  it("the same value again is the open proposal (200), not a second; another value withdraws the older one", async () => {
    const { planId, rowId, year } = await planWithContent();
    const base = `/api/plans/${planId}/suggestions`;
    const propose = (as: string, value: number) =>
      send("POST", base, as, { sectionKey: "shadow-budget", rowId, field: `amounts.${year}`, value });
    const openCells = async () =>
      ((await send("GET", base, OWNER)).body as { id: string; kind: string; status: string }[])
        .filter((suggestion) => suggestion.kind === "cell" && suggestion.status === "open")
        .map((suggestion) => suggestion.id);

    const first = await propose(REVIEWER, 250_000);
    expect(first.status).toBe(201);
    const again = await propose(REVIEWER, 250_000);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: first.body.id, status: "open", to: 250_000 });
    expect(await openCells()).toEqual([first.body.id]);

    // Another person's identical proposal is theirs: both stay open.
    const editors = await propose(EDITOR, 250_000);
    expect(editors.status).toBe(201);

    const changed = await propose(REVIEWER, 300_000);
    expect(changed.status).toBe(201);
    expect(changed.body).toMatchObject({ status: "open", from: 100_000, to: 300_000 });
    expect((await openCells()).sort()).toEqual([editors.body.id, changed.body.id].sort());
    const older = ((await send("GET", base, OWNER)).body as { id: string; status: string }[]).find(
      (suggestion) => suggestion.id === first.body.id,
    );
    expect(older).toMatchObject({ status: "withdrawn" });

    // The value the cell already holds proposes nothing, and says so.
    const unchanged = await propose(REVIEWER, 100_000);
    expect(unchanged.status).toBe(400);
    expect(JSON.stringify(unchanged.body)).toContain("already the cell's value");
    expect((await openCells()).sort()).toEqual([editors.body.id, changed.body.id].sort());
  });
});

describe("the author's notice of a decision", () => {
  const decided = async (planId: string) =>
    (
      (await send("GET", "/api/notifications", REVIEWER)).body as { type: string; planId: string; text: string }[]
    ).filter((notice) => notice.type === "suggestion-decided" && notice.planId === planId);

  it("quotes the words or the cell's old and new values, the section, and a rejection's reason, cut to a sensible length", async () => {
    const { planId, text, rowId, year } = await planWithContent();
    const base = `/api/plans/${planId}/suggestions`;
    const long = await send("POST", base, REVIEWER, {
      sectionKey: "customer-insight",
      anchor: anchorIn(text, SENTENCE.indexOf("year"), "year".length),
      text: "and the families of carers who are not yet known to the council ".repeat(4).trim(),
    });
    // After the words above, which the narrative's indices of "twelve" do not see.
    const words = await send("POST", base, REVIEWER, {
      sectionKey: "customer-insight",
      anchor: anchorIn(text, TWELVE, "twelve".length),
      text: "fourteen",
    });
    const cell = await send("POST", base, REVIEWER, {
      sectionKey: "shadow-budget",
      rowId,
      field: `amounts.${year}`,
      value: 250_000,
    });
    for (const made of [words, long, cell]) expect(made.status).toBe(201);

    expect((await send("POST", `${base}/${words.body.id}/accept`, EDITOR)).status).toBe(200);
    expect(
      (await send("POST", `${base}/${cell.body.id}/reject`, EDITOR, { reason: "The line is already counted." })).status,
    ).toBe(200);
    const reason = `Too long: ${"we say this once. ".repeat(30)}`;
    expect((await send("POST", `${base}/${long.body.id}/reject`, EDITOR, { reason })).status).toBe(200);

    const notices = (await decided(planId)).map((notice) => notice.text);
    expect(notices).toHaveLength(3);
    expect(notices).toContain(
      "Tom Okafor accepted your suggestion in “Customer insight and visioning” (Suggestions): “fourteen” for “twelve”",
    );
    expect(notices).toContain(
      `Tom Okafor rejected your suggestion in “Shadow budget for the place” (Suggestions): Funding lines, row 1 (“Swindon”), ${year} amount: £1,000 → £2,500. Reason: The line is already counted.`,
    );
    const cut = notices.find((notice) => notice.includes("carers"))!;
    expect(cut).toMatch(
      /: “and the families of carers who are not yet known to the…” for “year”\. Reason: Too long: we say/,
    );
    expect(cut.length).toBeLessThan(400);
    expect(cut).toMatch(/…$/);
  });
});

/** The status answered to a JSON POST that declares `bytes` of body and sends none of it. */
function answerToDeclaredBody(url: string, cookie: string, bytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const post = request(url, {
      method: "POST",
      headers: { cookie, "content-type": "application/json", "content-length": bytes },
    });
    post.on("response", (response) => {
      resolve(response.statusCode ?? 0);
      response.resume();
      post.destroy();
    });
    post.on("error", reject);
    post.flushHeaders();
  });
}
