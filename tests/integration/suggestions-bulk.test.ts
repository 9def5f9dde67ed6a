import { extractText, getDocumentProxy } from "unpdf";
import { describe, expect, it } from "vitest";
import type * as Y from "yjs";
import { subscribeToPlanEvents, type PlanEvent } from "../../app/shared/plan-events";
import { requestJson } from "../support/http";
import { anchorIn, EDITOR, OWNER, SENTENCE, useSuggestionPlans } from "../support/suggestion-plan";
import { useTestServer } from "../support/test-server";
import { waitFor } from "../support/yjs-client";

const REVIEWER = "reviewer@dwp.example";
const VIEWER = "viewer@police.example";

const server = useTestServer({ users: [OWNER, EDITOR, REVIEWER, VIEWER] });
const { send, section, planWithContent: planWith } = useSuggestionPlans(server);

type CellEvent = Extract<PlanEvent, { type: "cell-suggestions" }>["suggestions"];

const MEMBERS = [
  [EDITOR, "editor"],
  [REVIEWER, "reviewer"],
  [VIEWER, "viewer"],
] as const;

/** A plan with SENTENCE in "customer-insight" and one budget row (Swindon, £1,000 in its first year). */
const planWithContent = () => planWith("Many suggestions", MEMBERS);

/** The reviewer's three: "twelve" to "fourteen", the amount to £2,500, the organisation renamed. */
async function threeSuggestions(planId: string, text: Y.XmlText, rowId: string, year: string) {
  const at = SENTENCE.indexOf("twelve");
  const words = await send("POST", `/api/plans/${planId}/suggestions`, REVIEWER, {
    sectionKey: "customer-insight",
    anchor: anchorIn(text, at, "twelve".length),
    text: "fourteen",
  });
  const amount = await send("POST", `/api/plans/${planId}/suggestions`, REVIEWER, {
    sectionKey: "shadow-budget",
    rowId,
    field: `amounts.${year}`,
    value: 250_000,
  });
  const name = await send("POST", `/api/plans/${planId}/suggestions`, REVIEWER, {
    sectionKey: "shadow-budget",
    rowId,
    field: "organisation",
    value: "Swindon Borough Council",
  });
  for (const made of [words, amount, name]) expect(made.status).toBe(201);
  return { words: words.body.id as string, amount: amount.body.id as string, name: name.body.id as string };
}

async function openIds(planId: string): Promise<string[]> {
  const listed = await send("GET", `/api/plans/${planId}/suggestions`, OWNER);
  return (listed.body as { id: string; status: string }[]).filter((s) => s.status === "open").map((s) => s.id);
}

describe("deciding many suggestions at once", () => {
  it("accepts all of one person's in one go, skipping one whose cell changed and saying why", async () => {
    const { planId, editor, text, rowId, year } = await planWithContent();
    const ids = await threeSuggestions(planId, text, rowId, year);
    // The editor renames the organisation first: that proposal no longer starts from what is there.
    const rows = editor.doc.getMap("data:shadow-budget").get("rows") as Y.Array<Y.Map<unknown>>;
    rows.get(0).set("organisation", "Swindon BC");
    await waitFor(async () => (await section(planId, "shadow-budget")).data?.rows?.[0]?.organisation === "Swindon BC");

    const reviewerId = (await send("GET", `/api/plans/${planId}/suggestions`, OWNER)).body[0].author.id as string;
    const decided = await send("POST", `/api/plans/${planId}/suggestions/accept-all`, EDITOR, {
      authorId: reviewerId,
    });
    expect(decided.status).toBe(200);
    expect(decided.body.accepted.sort()).toEqual([ids.words, ids.amount].sort());
    expect(decided.body.rejected).toEqual([]);
    expect(decided.body.skipped).toEqual([
      { id: ids.name, error: "the cell has changed since the suggestion was made" },
    ]);
    expect(decided.body.summary).toBe("2 accepted, 1 could not be: the cell has changed since the suggestion was made");

    expect((await section(planId, "customer-insight")).text).toBe("We fund fourteen families this year.");
    const budget = await section(planId, "shadow-budget");
    expect(budget.data?.rows?.[0]).toMatchObject({ organisation: "Swindon BC", amounts: { [year]: 250_000 } });
    expect(await openIds(planId)).toEqual([ids.name]);

    const audit = (await send("GET", `/api/plans/${planId}/audit`, OWNER)).body as {
      type: string;
      detail: Record<string, unknown>;
    }[];
    const accepted = audit.filter((entry) => entry.type === "suggestion.accepted");
    expect(accepted.map((entry) => entry.detail.suggestionId).sort()).toEqual([ids.words, ids.amount].sort());
    expect(accepted.find((entry) => entry.detail.suggestionId === ids.words)?.detail).toMatchObject({
      removed: "twelve",
      added: "fourteen",
    });
    // The author is told once, of both.
    const told = (await send("GET", "/api/notifications", REVIEWER)).body as { type: string; text: string }[];
    const decidedNotices = told.filter((notice) => notice.type === "suggestion-decided");
    expect(decidedNotices).toHaveLength(1);
    expect(decidedNotices[0]!.text).toContain("accepted 2 of your suggestions");
  });

  it("rejects all in a section with a reason and leaves the other sections' open", async () => {
    const { planId, text, rowId, year } = await planWithContent();
    const ids = await threeSuggestions(planId, text, rowId, year);
    const before = await section(planId, "shadow-budget");
    const decided = await send("POST", `/api/plans/${planId}/suggestions/reject-all`, OWNER, {
      sectionKey: "shadow-budget",
      reason: "The budget is agreed.",
    });
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({ accepted: [], skipped: [], summary: "2 rejected" });
    expect(decided.body.rejected.sort()).toEqual([ids.amount, ids.name].sort());
    expect(await section(planId, "shadow-budget")).toEqual(before);
    expect(await openIds(planId)).toEqual([ids.words]);
    const listed = (await send("GET", `/api/plans/${planId}/suggestions`, OWNER)).body as {
      id: string;
      reason: string | null;
    }[];
    expect(listed.find((s) => s.id === ids.amount)?.reason).toBe("The budget is agreed.");
  });

  it("refuses reviewers, viewers and bad input, and then nothing has changed", async () => {
    const { planId, text, rowId, year } = await planWithContent();
    const ids = await threeSuggestions(planId, text, rowId, year);
    const before = { text: await section(planId, "customer-insight"), budget: await section(planId, "shadow-budget") };
    const base = `/api/plans/${planId}/suggestions`;
    const refusals: [string, string, unknown, number][] = [
      [`${base}/accept-all`, REVIEWER, { sectionKey: "shadow-budget" }, 403],
      [`${base}/reject-all`, VIEWER, { sectionKey: "shadow-budget" }, 403],
      [`${base}/accept-all`, OWNER, {}, 400],
      [`${base}/accept-all`, OWNER, { sectionKey: "no-such-section" }, 400],
      [`${base}/accept-all`, OWNER, { sectionKey: "shadow-budget", reason: "why" }, 400],
      [`${base}/accept-all`, OWNER, { sectionKey: "shadow-budget", colour: "red" }, 400],
      [`${base}/accept-all`, OWNER, { sectionKey: 7 }, 400],
      [`${base}/accept-all`, OWNER, "not json", 400],
      [`${base}/frobnicate-all`, OWNER, { sectionKey: "shadow-budget" }, 404],
      [`/api/plans/no-such-plan/suggestions/accept-all`, OWNER, { sectionKey: "shadow-budget" }, 404],
    ];
    for (const [path, who, body, status] of refusals) {
      const answer = await send("POST", path, who, body);
      expect(answer.status, `${who} ${path} ${JSON.stringify(body)}`).toBe(status);
      expect(answer.body.error, path).toEqual(expect.any(String));
    }
    expect((await send("GET", `${base}/accept-all`, OWNER)).status).toBe(405);
    expect((await requestJson(server.url, "POST", `${base}/accept-all`, undefined, { sectionKey: "x" })).status).toBe(
      401,
    );
    expect(await section(planId, "customer-insight")).toEqual(before.text);
    expect(await section(planId, "shadow-budget")).toEqual(before.budget);
    expect((await openIds(planId)).sort()).toEqual([ids.words, ids.amount, ids.name].sort());

    const nothing = await send("POST", `${base}/accept-all`, OWNER, { sectionKey: "outcomes" });
    expect(nothing.status).toBe(200);
    expect(nothing.body).toMatchObject({ accepted: [], skipped: [], summary: "0 accepted" });
  });

  it("open cell proposals reach subscribed pages live, and leave them once decided", async () => {
    const { planId, editor, text, rowId, year } = await planWithContent();
    let cells: CellEvent | null = null;
    subscribeToPlanEvents(editor.provider, (event) => {
      if (event.type === "cell-suggestions") cells = event.suggestions;
    });
    await waitFor(() => cells !== null, 5000, "the open proposals on subscribing");
    expect(cells).toEqual([]);
    const ids = await threeSuggestions(planId, text, rowId, year);
    await waitFor(() => cells?.length === 2, 5000, "both cell proposals pushed");
    expect(cells!.map((cell) => cell.id)).toEqual([ids.amount, ids.name]);
    expect(cells![0]).toMatchObject({ rowId, field: `amounts.${year}`, from: 100_000, to: 250_000, status: "open" });
    expect((await send("POST", `/api/plans/${planId}/suggestions/${ids.amount}/accept`, EDITOR)).status).toBe(200);
    await waitFor(() => cells?.length === 1, 5000, "the accepted proposal gone");
    await send("POST", `/api/plans/${planId}/suggestions/reject-all`, EDITOR, { sectionKey: "shadow-budget" });
    await waitFor(() => cells?.length === 0, 5000, "the rejected proposal gone");
  });
});

describe("open suggestions counted", () => {
  it("the portfolio counts a plan's open narrative suggestions and cell proposals, and not decided ones", async () => {
    const { planId, text, rowId, year } = await planWithContent();
    const countOf = async () => {
      const rows = (await send("GET", "/api/portfolio", OWNER)).body as { id: string; openSuggestions: number }[];
      return rows.find((row) => row.id === planId)!.openSuggestions;
    };
    expect(await countOf()).toBe(0);
    const ids = await threeSuggestions(planId, text, rowId, year);
    expect(await countOf()).toBe(3);
    await send("POST", `/api/plans/${planId}/suggestions/${ids.words}/reject`, EDITOR, {});
    await send("POST", `/api/plans/${planId}/suggestions/${ids.name}/withdraw`, REVIEWER);
    expect(await countOf()).toBe(1);
  });

  it("the portfolio page's introduction names the open suggestions among what it counts", async () => {
    const response = await fetch(`${server.url}/portfolio`, { headers: { cookie: server.cookie(OWNER) } });
    expect(response.status).toBe(200);
    const lede = /<p class="lede">([\s\S]*?)<\/p>/.exec(await response.text())?.[1];
    expect(lede).toContain("overdue milestones, overdue sign-offs and open suggestions.");
  });
});

describe("the PDF's appendix of open suggestions", () => {
  async function exportText(planId: string, query: string, as = OWNER): Promise<{ status: number; text: string }> {
    const response = await fetch(`${server.url}/api/plans/${planId}/export.pdf${query}`, {
      headers: { cookie: server.cookie(as) },
    });
    if (response.status !== 200) return { status: response.status, text: await response.text() };
    const document = await getDocumentProxy(new Uint8Array(await response.arrayBuffer()));
    const { text } = await extractText(document, { mergePages: true });
    return { status: 200, text: text.replace(/\s+/g, " ") };
  }

  it("lists each open suggestion (section, author, time, words or cell) with ?suggestions=1, and only then", async () => {
    const { planId, text, rowId, year } = await planWithContent();
    const ids = await threeSuggestions(planId, text, rowId, year);
    await send("POST", `/api/plans/${planId}/suggestions/${ids.name}/withdraw`, REVIEWER);

    const plain = await exportText(planId, "");
    expect(plain.status).toBe(200);
    expect(plain.text).not.toContain("Appendix: open suggestions");
    // The plan itself shows accepted words only, with or without the appendix.
    expect(plain.text).toContain(SENTENCE);
    expect(plain.text).not.toContain("fourteen");

    const listed = await exportText(planId, "?suggestions=1", VIEWER);
    expect(listed.status).toBe(200);
    const appendix = listed.text.slice(listed.text.lastIndexOf("Appendix: open suggestions"));
    expect(appendix).toMatch(/Customer insight and visioning Priya Nair \(DWP\), .*: replace “twelve” with “fourteen”/);
    expect(appendix).toContain(`${year} amount, row 1 (Swindon): from £1,000 to £2,500`);
    // Withdrawn is not open.
    expect(appendix).not.toContain("Swindon Borough Council");
  });

  it("says when there are none, and refuses suggestions=1 with a version", async () => {
    const { planId } = await planWithContent();
    const none = await exportText(planId, "?suggestions=1");
    expect(none.text).toContain("Appendix: open suggestions No open suggestions.");
    const version = await send("POST", `/api/plans/${planId}/versions`, OWNER, { name: "Before" });
    const refused = await exportText(planId, `?suggestions=1&version=${version.body.id}`);
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.text).error).toContain("version");
  });
});
