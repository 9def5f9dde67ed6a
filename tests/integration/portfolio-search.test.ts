import { afterEach, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { sectionFragmentName } from "../../app/shared/doc-names";
import { addRow } from "../../app/shared/section-rows";
import { isOverdueMilestone, ukToday } from "../../app/shared/portfolio";
import { getJson, requestJson, signOff } from "../support/http";
import { useTestServer } from "../support/test-server";
import { connectClient, waitFor, waitForSync, type TestClient } from "../support/yjs-client";

const OWNER = "owner@swindon.example";
const LOCAL = "signatory@swindon.example";
const WHITEHALL = "signatory@dclg.example";
const OUTSIDER = "viewer@police.example";

/** The index's stated lag bound (README: within 2 seconds of the last unindexed edit). */
const INDEX_LAG_BOUND_MS = 2000;
/**
 * How soon typed words must be found (and the portfolio told), measured from the typing: the
 * stated lag plus what a busy machine adds to relaying, polling and requests. Measured on this
 * shared 2-core machine, four runs of this file beside http-hardening (as `npm test` runs two
 * files at once): 0.5 to 1.0 s for the search, 0.6 to 0.8 s for the feed. The bound is about
 * five times that worst; an index that waited for the plan to be unloaded (30 s) would miss it.
 */
const INDEXED_WITHIN_MS = INDEX_LAG_BOUND_MS + 3000;

const server = useTestServer({ users: [OWNER, LOCAL, WHITEHALL, OUTSIDER] });
const clients: TestClient[] = [];

afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
});

const send = (method: string, path: string, as: string, body?: unknown) =>
  requestJson(server.url, method, path, server.cookie(as), body);

async function newPlan(title: string, area = "Bradford"): Promise<string> {
  const created = await send("POST", "/api/plans", OWNER, { templateId: "single-budget-for-a-place", title, area });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  for (const email of [LOCAL, WHITEHALL]) {
    expect((await send("POST", `/api/plans/${id}/members`, OWNER, { email, role: "signatory" })).status).toBe(201);
  }
  return id;
}

async function editor(planId: string): Promise<Y.Doc> {
  const client = connectClient(server.url, planId, server.cookie(OWNER));
  clients.push(client);
  await waitForSync(client);
  return client.doc;
}

function appendParagraph(doc: Y.Doc, key: string, words: string): void {
  const paragraph = new Y.XmlElement("paragraph");
  paragraph.insert(0, [new Y.XmlText(words)]);
  const fragment = doc.getXmlFragment(sectionFragmentName(key));
  fragment.insert(fragment.length, [paragraph]);
}

interface PlanBody {
  id: string;
  title: string;
  area: string;
  templateId: string;
  status: string;
  sections: {
    key: string;
    kind: string;
    requiredSides: string[];
    data: { rows?: Record<string, unknown>[] };
    signoff: { state: string; records: { side: string; fresh: boolean }[] };
  }[];
}

interface CommentBody {
  parentId: string | null;
  deleted: boolean;
  resolvedAt: string | null;
}

/** The portfolio row a plan's own API implies (everything but `updatedAt`). */
async function expectedRow(planId: string) {
  const plan = (await getJson<PlanBody>(server.url, `/api/plans/${planId}`, server.cookie(OWNER))).body;
  const comments = (await getJson<CommentBody[]>(server.url, `/api/plans/${planId}/comments`, server.cookie(OWNER)))
    .body;
  const side = (name: string) => {
    const needing = plan.sections.filter((section) => section.requiredSides.includes(name));
    return {
      signed: needing.filter((section) => section.signoff.records.some((r) => r.side === name && r.fresh)).length,
      total: needing.length,
    };
  };
  const today = ukToday();
  return {
    id: plan.id,
    title: plan.title,
    area: plan.area,
    templateId: plan.templateId,
    status: plan.status,
    sides: { local: side("local"), whitehall: side("whitehall") },
    stale: plan.sections.filter((section) => section.signoff.state === "stale").length,
    openComments: comments.filter((c) => c.parentId === null && !c.deleted && !c.resolvedAt).length,
    overdueMilestones: plan.sections
      .filter((section) => section.kind === "milestones")
      .flatMap((section) => section.data.rows ?? [])
      .filter((row) => isOverdueMilestone(row, today)).length,
  };
}

async function portfolio(as: string) {
  const { status, body } = await getJson<Record<string, unknown>[]>(server.url, "/api/portfolio", server.cookie(as));
  expect(status).toBe(200);
  return body;
}

async function search(as: string, q: string) {
  return getJson<{ planId: string; sectionKey: string | null; snippet: string }[]>(
    server.url,
    `/api/search?${new URLSearchParams({ q })}`,
    server.cookie(as),
  );
}

describe("the portfolio", () => {
  it("shows, for plans in every state, the figures each plan's own API gives", async () => {
    const untouched = await newPlan("Untouched plan");

    const partial = await newPlan("Partly signed plan");
    expect((await signOff(server.url, partial, "customer-insight", server.cookie(LOCAL))).status).toBe(201);
    expect((await signOff(server.url, partial, "governance", server.cookie(WHITEHALL))).status).toBe(201);
    const thread = await send("POST", `/api/plans/${partial}/comments`, LOCAL, {
      sectionKey: "governance",
      body: "Who chairs the board?",
    });
    await send("POST", `/api/plans/${partial}/comments`, OWNER, {
      sectionKey: "governance",
      body: "The leader.",
      parentId: thread.body.id,
    });
    const resolved = await send("POST", `/api/plans/${partial}/comments`, LOCAL, {
      sectionKey: "outcomes",
      body: "Settled.",
    });
    expect((await send("POST", `/api/plans/${partial}/comments/${resolved.body.id}/resolve`, LOCAL)).status).toBe(200);

    const stale = await newPlan("Plan with a stale sign-off");
    expect((await signOff(server.url, stale, "customer-insight", server.cookie(LOCAL))).status).toBe(201);
    const staleDoc = await editor(stale);
    appendParagraph(staleDoc, "customer-insight", "Changed after signing.");
    addRow(staleDoc, "timescales", "milestones", { milestone: "Late", due: "2011-04-01", status: "in-progress" });
    addRow(staleDoc, "timescales", "milestones", { milestone: "Done long ago", due: "2011-04-01", status: "done" });
    addRow(staleDoc, "timescales", "milestones", { milestone: "Future", due: "2999-01-01", status: "not-started" });
    await waitFor(
      async () => (await expectedRow(stale)).stale === 1,
      10_000,
      "the edited section's sign-off to turn stale",
    );

    const final = await newPlan("Final plan");
    const plan = (await getJson<PlanBody>(server.url, `/api/plans/${final}`, server.cookie(OWNER))).body;
    for (const section of plan.sections) {
      for (const side of section.requiredSides) {
        const as = side === "local" ? LOCAL : WHITEHALL;
        expect((await signOff(server.url, final, section.key, server.cookie(as))).status).toBe(201);
      }
    }

    const rows = await portfolio(OWNER);
    const states = new Set<string>();
    for (const id of [untouched, partial, stale, final]) {
      const row = rows.find((candidate) => candidate.id === id);
      const expected = await expectedRow(id);
      expect(row).toMatchObject(expected);
      expect(Number.isNaN(Date.parse(String(row!.updatedAt)))).toBe(false);
      states.add(
        `${expected.status}/${expected.stale > 0 ? "stale" : expected.sides.local.signed > 0 ? "partial" : "none"}`,
      );
    }
    expect(states).toEqual(new Set(["draft/none", "draft/partial", "draft/stale", "final/partial"]));
    const staleRow = rows.find((candidate) => candidate.id === stale)!;
    expect(staleRow.overdueMilestones).toBe(1);
    expect(rows.find((candidate) => candidate.id === partial)!.openComments).toBe(1);

    // Read again after changes: what was read before is not shown again.
    expect((await signOff(server.url, untouched, "governance", server.cookie(LOCAL))).status).toBe(201);
    const signed = (await portfolio(OWNER)).find((candidate) => candidate.id === untouched);
    expect(signed).toMatchObject(await expectedRow(untouched));
    expect(signed).toMatchObject({ sides: { local: { signed: 1 } } });
    const untouchedDoc = await editor(untouched);
    addRow(untouchedDoc, "timescales", "milestones", { milestone: "Now late", due: "2012-01-01", status: "at-risk" });
    appendParagraph(untouchedDoc, "governance", "Edited after its sign-off.");
    await waitFor(
      async () => (await expectedRow(untouched)).stale === 1,
      10_000,
      "the governance sign-off to turn stale",
    );
    const again = (await portfolio(OWNER)).find((candidate) => candidate.id === untouched);
    expect(again).toMatchObject(await expectedRow(untouched));
    expect(again).toMatchObject({ stale: 1, overdueMilestones: 1 });
  });

  it("gives each section's sign-off by side as the plan's API does, to those who may read the plan", async () => {
    const id = await newPlan("Matrix plan");
    expect((await signOff(server.url, id, "governance", server.cookie(WHITEHALL))).status).toBe(201);
    const plan = (await getJson<PlanBody>(server.url, `/api/plans/${id}`, server.cookie(OWNER))).body;
    const { status, body } = await getJson<{ sections: unknown[] }>(
      server.url,
      `/api/portfolio/${id}`,
      server.cookie(LOCAL),
    );
    expect(status).toBe(200);
    expect(body.sections).toEqual(
      plan.sections.map(({ key, requiredSides, signoff }) => expect.objectContaining({ key, requiredSides, signoff })),
    );
    expect((await getJson(server.url, `/api/portfolio/${id}`, server.cookie(OUTSIDER))).status).toBe(404);
    expect((await getJson(server.url, "/api/portfolio/no-such-plan", server.cookie(OWNER))).status).toBe(404);
  });

  it("asks for a session", async () => {
    expect((await getJson(server.url, "/api/portfolio")).status).toBe(401);
    expect((await getJson(server.url, "/api/search?q=plan")).status).toBe(401);
  });
});

/** Reads `GET /api/portfolio/events` as `as`, collecting the ids of the plans it names. */
async function followPortfolio(as: string) {
  const controller = new AbortController();
  const response = await fetch(`${server.url}/api/portfolio/events`, {
    headers: { cookie: server.cookie(as) },
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("text/event-stream");
  const planIds: string[] = [];
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buffered = "";
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) return;
      buffered += value;
      const events = buffered.split("\n\n");
      buffered = events.pop()!;
      for (const event of events) {
        const data = /^event: plan\ndata: (.*)$/m.exec(event);
        if (data) planIds.push((JSON.parse(data[1]!) as { planId: string }).planId);
      }
    }
  })();
  return { planIds, close: () => controller.abort() };
}

describe("the portfolio's live feed", () => {
  it("tells members of a plan of its sign-offs, comments and edits, and nobody else", async () => {
    const id = await newPlan("Followed plan");
    const member = await followPortfolio(LOCAL);
    const outsider = await followPortfolio(OUTSIDER);
    try {
      expect((await signOff(server.url, id, "customer-insight", server.cookie(LOCAL))).status).toBe(201);
      await waitFor(() => member.planIds.includes(id), 5000, "the sign-off event");
      await send("POST", `/api/plans/${id}/comments`, WHITEHALL, { sectionKey: "governance", body: "Noted." });
      await waitFor(() => member.planIds.filter((planId) => planId === id).length >= 2, 5000, "the comment event");
      const typedAt = performance.now();
      appendParagraph(await editor(id), "outcomes", "Words typed later.");
      await waitFor(
        () => member.planIds.filter((planId) => planId === id).length >= 3,
        INDEXED_WITHIN_MS,
        "the edit's event, once its words are indexed",
      );
      console.log(`portfolio feed: the edit's event ${Math.round(performance.now() - typedAt)} ms after typing`);
      // The outsider's stream is open and works: a plan of theirs gets through after the others.
      const theirs = (
        await send("POST", "/api/plans", OUTSIDER, {
          templateId: "single-budget-for-a-place",
          title: "Theirs",
          area: "Poole",
        })
      ).body.id as string;
      await send("POST", `/api/plans/${theirs}/comments`, OUTSIDER, { sectionKey: "governance", body: "Mine." });
      await waitFor(() => outsider.planIds.includes(theirs), 5000, "the outsider's own plan event");
      expect(outsider.planIds).not.toContain(id);
    } finally {
      member.close();
      outsider.close();
    }
  });
});

describe("who sees a plan in the portfolio and in search", () => {
  it("a non-member never sees it; a removed member loses it at once", async () => {
    const id = await newPlan("Quarrybank confidential plan");
    expect((await portfolio(OUTSIDER)).some((row) => row.id === id)).toBe(false);
    expect((await search(OUTSIDER, "Quarrybank")).body).toEqual([]);

    const added = await send("POST", `/api/plans/${id}/members`, OWNER, { email: OUTSIDER, role: "viewer" });
    expect(added.status).toBe(201);
    expect((await portfolio(OUTSIDER)).some((row) => row.id === id)).toBe(true);
    expect((await search(OUTSIDER, "Quarrybank")).body.map((result) => result.planId)).toContain(id);

    const removed = await send("DELETE", `/api/plans/${id}/members/${added.body.userId}`, OWNER);
    expect(removed.status).toBeLessThan(300);
    expect((await portfolio(OUTSIDER)).some((row) => row.id === id)).toBe(false);
    expect((await search(OUTSIDER, "Quarrybank")).body).toEqual([]);
  });
});

describe("search", () => {
  it("finds words typed over the WebSocket, in narratives and table cells, within the stated bound", async () => {
    const id = await newPlan("Search plan");
    const doc = await editor(id);
    const typedAt = performance.now();
    appendParagraph(doc, "governance", "The Zanzibar partnership board meets monthly.");
    addRow(doc, "timescales", "milestones", { milestone: "Xylophone pilot", owner: "Ann", due: "2030-01-01" });
    await waitFor(
      async () => (await search(OWNER, "zanzibar")).body.some((r) => r.planId === id && r.sectionKey === "governance"),
      INDEXED_WITHIN_MS,
      "the narrative to be found",
    );
    await waitFor(
      async () => (await search(OWNER, "xylophone")).body.some((r) => r.planId === id && r.sectionKey === "timescales"),
      3000,
      "the table cell to be found",
    );
    const foundMs = performance.now() - typedAt;
    console.log(`search: typed words found ${Math.round(foundMs)} ms after typing`);
    expect(foundMs).toBeLessThan(INDEXED_WITHIN_MS);
    const [hit] = (await search(OWNER, "zanzibar")).body;
    expect(hit!.snippet).toContain("<mark>Zanzibar</mark>");

    const title = (await search(OWNER, "search plan")).body.find((r) => r.planId === id && r.sectionKey === null);
    expect(title?.snippet).toContain("<mark>");
  });

  it("escapes the plan's words in snippets", async () => {
    const id = await newPlan("Escaping plan");
    appendParagraph(await editor(id), "governance", "Kumquat <script>alert(1)</script> & co");
    await waitFor(async () => (await search(OWNER, "kumquat")).body.length > 0, 10_000, "the words to be indexed");
    const [hit] = (await search(OWNER, "kumquat")).body;
    expect(hit!.snippet).not.toContain("<script>");
    expect(hit!.snippet).toContain("&#60;script&#62;");
  });

  it("answers punctuation and FTS syntax with results or a 400, never a 500", async () => {
    const queries = [
      '"unbalanced',
      '"board meets"',
      "board*",
      "*",
      "board NEAR monthly",
      "NEAR(board monthly, 2)",
      "(board",
      "board)",
      "board AND OR NOT",
      "title:board",
      "^board",
      "-board",
      "'; drop table plans; --",
      "",
      "   ",
      "x".repeat(500),
      "\u0000",
    ];
    for (const q of queries) {
      const { status, body } = await search(OWNER, q);
      expect([200, 400], `q=${JSON.stringify(q)}`).toContain(status);
      if (status === 400) expect(body).toMatchObject({ error: expect.any(String) });
      else expect(Array.isArray(body)).toBe(true);
    }
    expect((await getJson(server.url, "/api/search", server.cookie(OWNER))).status).toBe(400);
    expect((await getJson(server.url, "/api/health")).status).toBe(200);
  });
});

describe("the index after a crash", () => {
  it("catches up at start with edits that were stored but not yet indexed", async () => {
    const id = await newPlan("Crash plan");
    const writer = await editor(id);
    const watcher = connectClient(server.url, id, server.cookie(LOCAL));
    clients.push(watcher);
    await waitForSync(watcher);
    appendParagraph(writer, "governance", "Quixotic words typed just before the crash.");
    // Relayed means stored; the index waits for the edits to pause, so it has not run yet.
    await waitFor(
      () => watcher.doc.getXmlFragment(sectionFragmentName("governance")).toString().includes("Quixotic"),
      5000,
      "the edit to be relayed",
    );
    await server.restart("SIGKILL");
    // Nobody opens the plan after the restart, so only the catch-up at start can index it.
    await expect
      .poll(async () => (await search(OWNER, "quixotic")).body.map((result) => result.planId), { timeout: 30_000 })
      .toContain(id);
  });
});
