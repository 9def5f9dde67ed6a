import { extractText, getDocumentProxy } from "unpdf";
import { afterEach, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { sectionFragmentName } from "../../app/shared/doc-names";
import { addRow, rowsOf, setField } from "../../app/shared/section-rows";
import { getJson, requestJson, signOff } from "../support/http";
import { useTestServer } from "../support/test-server";
import { connectClient, waitFor, waitForSync, type TestClient } from "../support/yjs-client";

const OWNER = "owner@swindon.example";
const EDITOR = "editor@swindon.example";
const LOCAL = "signatory@swindon.example";
const REVIEWER = "reviewer@dwp.example";
const VIEWER = "viewer@police.example";
const STRANGER = "signatory@dclg.example";

const server = useTestServer({
  users: [OWNER, EDITOR, LOCAL, REVIEWER, VIEWER, STRANGER],
  env: { VERSION_QUIET_SECONDS: "0.3", VERSION_MAX_INTERVAL_SECONDS: "2" },
});

const clients: TestClient[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
});

const send = (method: string, path: string, as: string, body?: unknown) =>
  requestJson(server.url, method, path, server.cookie(as), body);

/** A fresh plan with an editor, a local signatory, a reviewer and a viewer (not the stranger). */
async function newPlan(): Promise<string> {
  const created = await send("POST", "/api/plans", OWNER, {
    templateId: "single-budget-for-a-place",
    title: "Versions",
    area: "Swindon",
  });
  const id = created.body.id as string;
  for (const [email, role] of [
    [EDITOR, "editor"],
    [LOCAL, "signatory"],
    [REVIEWER, "reviewer"],
    [VIEWER, "viewer"],
  ]) {
    expect((await send("POST", `/api/plans/${id}/members`, OWNER, { email, role })).status).toBe(201);
  }
  return id;
}

async function client(planId: string, as: string): Promise<TestClient> {
  const connected = connectClient(server.url, planId, server.cookie(as));
  clients.push(connected);
  await waitForSync(connected);
  return connected;
}

function fragment(doc: Y.Doc, key: string): Y.XmlFragment {
  return doc.getXmlFragment(sectionFragmentName(key));
}

function appendParagraph(doc: Y.Doc, key: string, words: string): Y.XmlText {
  const text = new Y.XmlText(words);
  const paragraph = new Y.XmlElement("paragraph");
  paragraph.insert(0, [text]);
  fragment(doc, key).insert(fragment(doc, key).length, [paragraph]);
  return text;
}

interface SectionBody {
  key: string;
  text: string;
  data: { rows?: Record<string, unknown>[] };
  contentHash: string;
  signoff: { state: string; records: { id: number; contentHash: string; fresh: boolean }[] };
}

async function section(planId: string, key: string, path = `/api/plans/${planId}`): Promise<SectionBody> {
  const { status, body } = await getJson<{ sections: SectionBody[] }>(server.url, path, server.cookie(OWNER));
  expect(status).toBe(200);
  return body.sections.find((candidate) => candidate.key === key)!;
}

async function versions(planId: string, as = OWNER) {
  return (
    await getJson<
      { id: number; kind: string; name: string | null; contributors: { name: string }[]; signoffId: number | null }[]
    >(server.url, `/api/plans/${planId}/versions`, server.cookie(as))
  ).body;
}

async function pdfText(planId: string, query: string): Promise<string> {
  const response = await fetch(`${server.url}/api/plans/${planId}/export.pdf${query}`, {
    headers: { cookie: server.cookie(VIEWER) },
  });
  expect(response.status).toBe(200);
  const document = await getDocumentProxy(new Uint8Array(await response.arrayBuffer()));
  const { text } = await extractText(document, { mergePages: true });
  return text.replace(/\s+/g, " ");
}

describe("versions", () => {
  it("a named version, then edits: compare shows exactly those edits, word by word and cell by cell", async () => {
    const planId = await newPlan();
    const editor = await client(planId, EDITOR);
    const text = appendParagraph(editor.doc, "governance", "Alpha beta gamma.");
    const rowId = addRow(editor.doc, "outcomes", "outcomes", { outcome: "Fewer evictions", target: "10%" });
    await waitFor(async () => (await section(planId, "outcomes")).data.rows?.length === 1, 5000, "the row");
    await waitFor(async () => (await section(planId, "governance")).text === "Alpha beta gamma.", 5000, "the text");

    const named = await send("POST", `/api/plans/${planId}/versions`, EDITOR, { name: "Draft for DCLG review" });
    expect(named.status).toBe(201);
    const from = named.body.id as number;

    text.insert(text.length - 1, " delta");
    text.format(6, 4, { bold: {} });
    setField(editor.doc, "outcomes", rowId, "target", "20%");
    addRow(editor.doc, "gap-analysis", "gap", { theme: "Housing" });
    await waitFor(async () => (await section(planId, "gap-analysis")).data.rows?.length === 1, 5000, "the gap row");
    await waitFor(async () => (await section(planId, "governance")).text.includes("delta"), 5000, "the words");

    const compared = await send("GET", `/api/plans/${planId}/compare?from=${from}&to=current`, VIEWER);
    expect(compared.status).toBe(200);
    const bySection = new Map(compared.body.sections.map((s: { key: string }) => [s.key, s]));
    expect(
      compared.body.sections.filter((s: { changed: boolean }) => s.changed).map((s: { key: string }) => s.key),
    ).toEqual(["outcomes", "governance", "gap-analysis"]);
    const governance = bySection.get("governance") as { text: { kind: string; text: string; marks?: unknown }[] };
    expect(governance.text.filter((change) => change.kind !== "same")).toEqual([{ kind: "added", text: " delta" }]);
    expect(governance.text).toContainEqual({ kind: "same", text: "beta", marks: { from: [], to: ["bold"] } });
    expect((bySection.get("outcomes") as { rows: unknown }).rows).toEqual({
      added: [],
      removed: [],
      changed: [{ id: rowId, row: "Fewer evictions", field: "target", from: "10%", to: "20%" }],
    });
    const gap = bySection.get("gap-analysis") as { rows: { added: { theme: string }[]; removed: unknown[] } };
    expect(gap.rows.added.map((row) => row.theme)).toEqual(["Housing"]);
    expect(gap.rows.removed).toEqual([]);

    const old = await section(planId, "governance", `/api/plans/${planId}/versions/${from}`);
    expect(old.text).toBe("Alpha beta gamma.");
    const list = await versions(planId, REVIEWER);
    expect(list.find((version) => version.id === from)).toMatchObject({ kind: "named", name: "Draft for DCLG review" });
  });

  it("an automatic version follows a quiet spell after edits, naming who edited", async () => {
    const planId = await newPlan();
    const editor = await client(planId, EDITOR);
    appendParagraph(editor.doc, "governance", "The board meets monthly.");
    await waitFor(
      async () => (await versions(planId)).some((version) => version.kind === "auto"),
      10_000,
      "an auto version",
    );
    const auto = (await versions(planId)).find((version) => version.kind === "auto")!;
    expect(auto.contributors.map((person) => person.name)).toEqual(["Tom Okafor"]);
    expect((await section(planId, "governance", `/api/plans/${planId}/versions/${auto.id}`)).text).toBe(
      "The board meets monthly.",
    );
  });

  it("a sign-off pins a version whose section hash is the record's", async () => {
    const planId = await newPlan();
    const editor = await client(planId, EDITOR);
    appendParagraph(editor.doc, "customer-insight", "We asked residents.");
    await waitFor(async () => (await section(planId, "customer-insight")).text !== "", 5000, "the text");
    const signed = await signOff(server.url, planId, "customer-insight", server.cookie(LOCAL));
    expect(signed.status).toBe(201);
    const pinned = (await versions(planId)).find((version) => version.kind === "signoff");
    expect(pinned?.signoffId).toBe(signed.body.id);
    const then = await section(planId, "customer-insight", `/api/plans/${planId}/versions/${pinned!.id}`);
    expect(then.contentHash).toBe(signed.body.contentHash);
    expect(then.signoff.state).toBe("signed");
    expect(then.signoff.records).toMatchObject([{ id: signed.body.id, fresh: true }]);
    const history = await send("GET", `/api/plans/${planId}/sections/customer-insight/signoffs`, VIEWER);
    expect(history.body.records[0]).toMatchObject({ id: signed.body.id, versionId: pinned!.id });
  });

  it("restoring one section while someone types in another: the words come back live, the typist keeps every word, the signed section goes stale", async () => {
    const planId = await newPlan();
    const typist = await client(planId, EDITOR);
    const watcher = await client(planId, OWNER);
    appendParagraph(typist.doc, "customer-insight", "Residents told us about waiting times.");
    const typed = appendParagraph(typist.doc, "governance", "Board:");
    await waitFor(async () => (await section(planId, "customer-insight")).text.includes("waiting"), 5000, "the text");
    const saved = (await send("POST", `/api/plans/${planId}/versions`, OWNER, { name: "Before the cut" })).body.id;

    // Cut to one line: a section with nothing written cannot be signed.
    fragment(typist.doc, "customer-insight").delete(0, 1);
    appendParagraph(typist.doc, "customer-insight", "To follow.");
    await waitFor(async () => (await section(planId, "customer-insight")).text === "To follow.", 5000, "the cut");
    expect((await signOff(server.url, planId, "customer-insight", server.cookie(LOCAL))).status).toBe(201);
    expect((await section(planId, "customer-insight")).signoff.state).toBe("signed");

    const words = " one two three four five six seven eight nine ten";
    let typing = true;
    const typingDone = (async () => {
      for (const char of words) {
        typed.insert(typed.length, char);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      typing = false;
    })();
    await waitFor(() => typed.toString().length > 15, 5000, "typing to start");
    const restored = await send("POST", `/api/plans/${planId}/versions/${saved}/restore`, EDITOR, {
      sections: ["customer-insight"],
    });
    expect(typing).toBe(true);
    expect(restored.status).toBe(200);
    await typingDone;

    const watched = () => fragment(watcher.doc, "customer-insight").toString();
    await waitFor(() => watched().includes("waiting times"), 5000, "the restore on the other client");
    await waitFor(() => fragment(typist.doc, "customer-insight").toString().includes("waiting times"), 5000, "typist");
    await waitFor(async () => (await section(planId, "governance")).text === `Board:${words}`, 5000, "every word");
    expect((await section(planId, "customer-insight")).text).toBe("Residents told us about waiting times.");
    await waitFor(async () => (await section(planId, "customer-insight")).signoff.state === "stale", 5000, "stale");
    const staleRecord = (await section(planId, "customer-insight")).signoff.records[0] as unknown as {
      staleBy: { name: string } | null;
    };
    expect(staleRecord.staleBy?.name).toBe("Tom Okafor");

    const list = await versions(planId);
    expect(list.find((version) => version.id === restored.body.versionId)?.kind).toBe("restore");
    const before = await section(
      planId,
      "customer-insight",
      `/api/plans/${planId}/versions/${restored.body.versionId}`,
    );
    expect(before.text).toBe("To follow.");
    const audit = await send("GET", `/api/plans/${planId}/audit`, OWNER);
    expect(audit.body.find((event: { type: string }) => event.type === "version.restored")?.detail).toMatchObject({
      versionId: saved,
      sections: ["customer-insight"],
      beforeVersionId: restored.body.versionId,
    });
  });

  it("restoring a whole plan brings back deleted rows and cells", async () => {
    const planId = await newPlan();
    const editor = await client(planId, EDITOR);
    const kept = addRow(editor.doc, "outcomes", "outcomes", { outcome: "Fewer evictions", target: "10%" });
    const gone = addRow(editor.doc, "outcomes", "outcomes", { outcome: "More jobs", target: "5%" });
    await waitFor(async () => (await section(planId, "outcomes")).data.rows?.length === 2, 5000, "the rows");
    const saved = (await send("POST", `/api/plans/${planId}/versions`, EDITOR, { name: "Two outcomes" })).body.id;
    setField(editor.doc, "outcomes", kept, "target", "50%");
    rowsOf(editor.doc, "outcomes").delete(1, 1);
    await waitFor(async () => (await section(planId, "outcomes")).data.rows?.length === 1, 5000, "the deletion");

    expect((await send("POST", `/api/plans/${planId}/versions/${saved}/restore`, OWNER)).status).toBe(200);
    const rows = (await section(planId, "outcomes")).data.rows!;
    expect(rows.map((row) => [row.id, row.outcome, row.target])).toEqual([
      [kept, "Fewer evictions", "10%"],
      [gone, "More jobs", "5%"],
    ]);
    await waitFor(() => rowsOf(editor.doc, "outcomes").length === 2, 5000, "the rows on the editor's client");
  });

  it("viewers and reviewers read and compare but cannot name or restore; strangers see nothing", async () => {
    const planId = await newPlan();
    const saved = (await send("POST", `/api/plans/${planId}/versions`, LOCAL, { name: "Signatory's" })).body.id;
    expect(saved).toEqual(expect.any(Number));
    for (const reader of [VIEWER, REVIEWER]) {
      expect((await send("GET", `/api/plans/${planId}/versions`, reader)).status).toBe(200);
      expect((await send("GET", `/api/plans/${planId}/versions/${saved}`, reader)).status).toBe(200);
      expect((await send("GET", `/api/plans/${planId}/compare?from=${saved}&to=current`, reader)).status).toBe(200);
      expect((await send("POST", `/api/plans/${planId}/versions`, reader, { name: "Mine" })).status).toBe(403);
      expect((await send("POST", `/api/plans/${planId}/versions/${saved}/restore`, reader)).status).toBe(403);
    }
    for (const [method, path] of [
      ["GET", `/api/plans/${planId}/versions`],
      ["GET", `/api/plans/${planId}/versions/${saved}`],
      ["GET", `/api/plans/${planId}/compare?from=${saved}&to=current`],
      ["POST", `/api/plans/${planId}/versions`],
      ["POST", `/api/plans/${planId}/versions/${saved}/restore`],
    ]) {
      expect((await send(method!, path!, STRANGER, method === "POST" ? { name: "x" } : undefined)).status).toBe(404);
    }
    expect((await requestJson(server.url, "GET", `/api/plans/${planId}/versions`, undefined)).status).toBe(401);
    expect((await versions(planId)).map((version) => version.kind)).toEqual(["named"]);
  });

  it("bad requests get a clear 4xx and change nothing", async () => {
    const planId = await newPlan();
    const saved = (await send("POST", `/api/plans/${planId}/versions`, OWNER, { name: "One" })).body.id;
    const cases: [string, string, unknown, number][] = [
      ["POST", `/api/plans/${planId}/versions`, { name: "" }, 400],
      ["POST", `/api/plans/${planId}/versions`, { name: "x".repeat(121) }, 400],
      ["POST", `/api/plans/${planId}/versions`, "{not json", 400],
      ["GET", `/api/plans/${planId}/versions/999999`, undefined, 404],
      ["GET", `/api/plans/${planId}/versions/abc`, undefined, 404],
      ["GET", `/api/plans/${planId}/compare?from=abc`, undefined, 400],
      ["GET", `/api/plans/${planId}/compare?from=${saved}&to=-1`, undefined, 400],
      ["GET", `/api/plans/${planId}/compare?from=999999&to=current`, undefined, 404],
      ["POST", `/api/plans/${planId}/versions/999999/restore`, undefined, 404],
      ["POST", `/api/plans/${planId}/versions/${saved}/restore`, { sections: ["nope"] }, 400],
      ["POST", `/api/plans/${planId}/versions/${saved}/restore`, { sections: [] }, 400],
    ];
    for (const [method, path, body, status] of cases) {
      const answer = await send(method, path, OWNER, body);
      expect([path, answer.status]).toEqual([path, status]);
      expect(answer.body.error).toEqual(expect.any(String));
    }
    expect((await versions(planId)).map((version) => version.kind)).toEqual(["named"]);
  });

  it("a version's PDF shows that version, with the sign-offs of that moment, named on the cover", async () => {
    const planId = await newPlan();
    const editor = await client(planId, EDITOR);
    const text = appendParagraph(editor.doc, "customer-insight", "Original wording of the insight.");
    await waitFor(async () => (await section(planId, "customer-insight")).text.includes("Original"), 5000, "text");
    const saved = (await send("POST", `/api/plans/${planId}/versions`, EDITOR, { name: "Draft for DCLG review" })).body
      .id;
    text.delete(0, "Original".length);
    text.insert(0, "Changed");
    await waitFor(async () => (await section(planId, "customer-insight")).text.includes("Changed"), 5000, "edit");
    expect((await signOff(server.url, planId, "customer-insight", server.cookie(LOCAL))).status).toBe(201);

    const then = await pdfText(planId, `?version=${saved}`);
    expect(then).toContain("Version: Draft for DCLG review");
    expect(then).toContain("Original wording of the insight.");
    expect(then).not.toContain("Changed wording");
    expect(then).not.toContain("Margaret Hale");
    const now = await pdfText(planId, "");
    expect(now).toContain("Changed wording of the insight.");
    expect(now).not.toContain("Original wording");
    expect(now).toContain("Margaret Hale");
    expect(now).not.toContain("Version:");
    for (const query of ["?version=999999", "?version=abc"]) {
      const response = await fetch(`${server.url}/api/plans/${planId}/export.pdf${query}`, {
        headers: { cookie: server.cookie(VIEWER) },
      });
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: "version not found" });
    }
  });
});

describe("activity", () => {
  it("owners read the audit log as a page and as CSV, filtered by person and type; others may not", async () => {
    const planId = await newPlan();
    await send("POST", `/api/plans/${planId}/versions`, EDITOR, { name: 'Draft, "quoted"' });
    await send("POST", `/api/plans/${planId}/versions`, OWNER, { name: "The owner's" });
    const get = (path: string, as: string) => fetch(`${server.url}${path}`, { headers: { cookie: server.cookie(as) } });
    const editorId = (
      await getJson<{ userId: string; email: string }[]>(
        server.url,
        `/api/plans/${planId}/members`,
        server.cookie(OWNER),
      )
    ).body.find((member) => member.email === EDITOR)!.userId;

    const csv = await get(`/plans/${planId}/activity.csv?type=version.named&person=${editorId}`, OWNER);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const lines = (await csv.text()).trimEnd().split("\r\n");
    expect(lines[0]).toBe("id,at,type,actor,email,detail,prevHash,hash");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`version.named,Tom Okafor,${EDITOR},`);
    expect(lines[1]).toContain('""name"":""Draft, \\""quoted\\""""');

    const page = await get(`/plans/${planId}/activity?type=version.named`, OWNER);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Tom Okafor");
    expect(html).not.toContain("plan.created</td>");

    expect((await get(`/plans/${planId}/activity`, EDITOR)).status).toBe(403);
    expect((await get(`/plans/${planId}/activity.csv`, EDITOR)).status).toBe(403);
    expect((await get(`/plans/${planId}/activity.csv`, STRANGER)).status).toBe(404);
  });
});

describe("activity as sentences", () => {
  it("each entry reads as a sentence naming people and roles, with its raw detail behind a disclosure", async () => {
    const planId = await newPlan();
    const members = (
      await getJson<{ userId: string; email: string }[]>(
        server.url,
        `/api/plans/${planId}/members`,
        server.cookie(OWNER),
      )
    ).body;
    const viewerId = members.find((member) => member.email === VIEWER)!.userId;
    await send("PATCH", `/api/plans/${planId}/members/${viewerId}`, OWNER, { role: "reviewer" });
    await send("DELETE", `/api/plans/${planId}/members/${viewerId}`, OWNER);
    await send("POST", `/api/plans/${planId}/versions`, EDITOR, { name: "Draft for DCLG" });

    const html = await (
      await fetch(`${server.url}/plans/${planId}/activity`, { headers: { cookie: server.cookie(OWNER) } })
    ).text();
    const sentences = [...html.matchAll(/data-testid="activity-sentence">([^<]*)</g)].map((match) =>
      match[1]!.replace(/&#x27;/g, "'").replace(/&quot;/g, '"'),
    );
    expect(sentences).toEqual(
      expect.arrayContaining([
        "Tom Okafor saved the version ‘Draft for DCLG’",
        "Alison Reed removed Sam Whitfield (reviewer) from the plan",
        "Alison Reed made Sam Whitfield reviewer (was viewer)",
        "Alison Reed added Sam Whitfield as viewer",
        "Alison Reed created the plan",
      ]),
    );
    expect(sentences.join(" ")).not.toMatch(/[a-f0-9]{8}-[a-f0-9]{4}|member\.|version\./);
    expect(html).toMatch(/<details class="activity__detail"><summary>Details<\/summary>/);
  });
});

describe("version limits", () => {
  it("one person names or restores at most 20 versions in 10 minutes, then gets 429 with Retry-After", async () => {
    const planId = await newPlan();
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let n = 0; n < 21; n++) {
      const response = await fetch(`${server.url}/api/plans/${planId}/versions`, {
        method: "POST",
        headers: { cookie: server.cookie(LOCAL), "content-type": "application/json" },
        body: JSON.stringify({ name: `Version ${n}` }),
      });
      statuses.push(response.status);
      if (response.status === 429) retryAfter = response.headers.get("retry-after");
    }
    // Earlier tests of this file may have used some of the signatory's allowance.
    const made = statuses.indexOf(429);
    expect(made).toBeGreaterThan(0);
    expect(statuses.slice(0, made).every((status) => status === 201)).toBe(true);
    expect(statuses.slice(made).every((status) => status === 429)).toBe(true);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(
      (await send("POST", `/api/plans/${planId}/versions/${(await versions(planId))[0]!.id}/restore`, LOCAL)).status,
    ).toBe(429);
    expect(await versions(planId)).toHaveLength(made);
  });
});
