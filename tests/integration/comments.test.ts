import { toBase64 } from "lib0/buffer";
import { afterEach, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { sectionFragmentName } from "../../app/shared/doc-names";
import { applyCommentChanges, subscribeToPlanEvents, type CommentView } from "../../app/shared/plan-events";
import { requestJson } from "../support/http";
import { useTestServer } from "../support/test-server";
import { connectClient, waitFor, waitForSync, type TestClient } from "../support/yjs-client";

const clients: TestClient[] = [];

const OWNER = "owner@swindon.example";
const EDITOR = "editor@swindon.example";
const REVIEWER = "reviewer@dwp.example";
const VIEWER = "viewer@police.example";
const SIGNATORY = "signatory@dclg.example";
const PHRASE = "twelve visioning sessions";

const server = useTestServer({ users: [OWNER, EDITOR, REVIEWER, VIEWER, SIGNATORY] });

afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
});

const send = (method: string, path: string, as: string, body?: unknown) =>
  requestJson(server.url, method, path, server.cookie(as), body);

/** A plan whose "customer-insight" section holds one paragraph with the phrase, opened by an editor. */
async function planWithText(): Promise<{ planId: string; editor: TestClient; text: Y.XmlText }> {
  const created = await send("POST", "/api/plans", OWNER, {
    templateId: "single-budget-for-a-place",
    title: "Comments",
    area: "Leeds",
  });
  const planId = created.body.id as string;
  for (const [email, role] of [
    [EDITOR, "editor"],
    [REVIEWER, "reviewer"],
    [VIEWER, "viewer"],
    [SIGNATORY, "signatory"],
  ]) {
    await send("POST", `/api/plans/${planId}/members`, OWNER, { email, role });
  }
  const editor = await client(planId, EDITOR);
  const paragraph = new Y.XmlElement("paragraph");
  const text = new Y.XmlText(`We held ${PHRASE} across the city.`);
  paragraph.insert(0, [text]);
  editor.doc.getXmlFragment(sectionFragmentName("customer-insight")).insert(0, [paragraph]);
  const other = new Y.XmlElement("paragraph");
  other.insert(0, [new Y.XmlText("Governance text.")]);
  editor.doc.getXmlFragment(sectionFragmentName("governance")).insert(0, [other]);
  await waitFor(async () =>
    (await send("GET", `/api/plans/${planId}`, OWNER)).body.sections.some((s: { text: string }) =>
      s.text.includes(PHRASE),
    ),
  );
  return { planId, editor, text };
}

async function client(planId: string, as: string): Promise<TestClient> {
  const c = connectClient(server.url, planId, server.cookie(as));
  clients.push(c);
  await waitForSync(c);
  return c;
}

/** The anchor a client makes for `length` characters from `index` of a text, as the UI does. */
function anchorIn(text: Y.XmlText, index: number, length: number) {
  return {
    start: toBase64(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, index, 0))),
    end: toBase64(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, index + length, -1))),
  };
}

function firstText(doc: Y.Doc, sectionKey: string): Y.XmlText {
  return (doc.getXmlFragment(sectionFragmentName(sectionKey)).get(0) as Y.XmlElement).get(0) as Y.XmlText;
}

const comments = async (planId: string): Promise<CommentView[]> =>
  (await send("GET", `/api/plans/${planId}/comments`, VIEWER)).body;

describe("comments anchored to the text", () => {
  it("a reviewer's comment keeps to its phrase while an editor types around and inside it, then is marked text removed", async () => {
    const { planId, text } = await planWithText();
    const reviewer = await client(planId, REVIEWER);
    const readerText = firstText(reviewer.doc, "customer-insight");
    const at = readerText.toString().indexOf(PHRASE);
    const created = await send("POST", `/api/plans/${planId}/comments`, REVIEWER, {
      sectionKey: "customer-insight",
      body: "How many residents came?",
      anchor: anchorIn(readerText, at, PHRASE.length),
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.any(String),
      quote: PHRASE,
      anchorStatus: "anchored",
      anchoredText: PHRASE,
    });

    // Typing just before and just after the phrase stays outside it; typing inside stays inside.
    text.insert(at, "about ");
    text.insert(at + "about ".length + PHRASE.length, " in total");
    text.insert(at + "about twelve ".length, "public ");
    await waitFor(
      async () => (await comments(planId))[0]!.anchoredText === "twelve public visioning sessions",
      5000,
      "anchor after edits",
    );
    expect(firstText(reviewer.doc, "customer-insight").toString()).toContain(
      "about twelve public visioning sessions in total",
    );

    text.delete(at + "about ".length, "twelve public visioning sessions".length);
    await waitFor(async () => (await comments(planId))[0]!.anchorStatus === "text-removed", 5000, "text removed");
    const [thread] = await comments(planId);
    expect(thread).toMatchObject({ quote: PHRASE, anchoredText: null, body: "How many residents came?" });
  });

  it("threads get replies, are resolved by their author or an editor, reopened, and pushed live", async () => {
    const { planId, text } = await planWithText();
    const observer = await client(planId, OWNER);
    let latest: CommentView[] = [];
    subscribeToPlanEvents(observer.provider, (event) => {
      if (event.type === "comments") latest = event.comments;
      if (event.type === "comment-changes") latest = applyCommentChanges(latest, event.changed, event.removed);
    });
    const at = text.toString().indexOf(PHRASE);
    const byReviewer = await send("POST", `/api/plans/${planId}/comments`, REVIEWER, {
      sectionKey: "customer-insight",
      body: "Which wards?\nPlease list them. @Tom Okafor",
      anchor: anchorIn(text, at, 6),
    });
    await waitFor(() => latest.some((c) => c.id === byReviewer.body.id), 1000, "the pushed comment");
    expect(byReviewer.body.mentions).toEqual([{ id: expect.any(String), name: "Tom Okafor" }]);

    const reply = await send("POST", `/api/plans/${planId}/comments`, EDITOR, {
      sectionKey: "customer-insight",
      body: "All fourteen.",
      parentId: byReviewer.body.id,
    });
    expect(reply.status).toBe(201);
    expect(reply.body.parentId).toBe(byReviewer.body.id);
    await waitFor(() => latest.some((c) => c.id === reply.body.id), 1000, "the pushed reply");

    const byEditor = await send("POST", `/api/plans/${planId}/comments`, EDITOR, {
      sectionKey: "governance",
      body: "Section-wide note.",
    });
    expect(byEditor.body.anchorStatus).toBe("none");

    const resolvePath = (id: string, verb = "resolve") => `/api/plans/${planId}/comments/${id}/${verb}`;
    expect((await send("POST", resolvePath(byEditor.body.id), REVIEWER)).status).toBe(403);
    expect((await send("POST", resolvePath(byEditor.body.id), VIEWER)).status).toBe(403);
    expect((await send("POST", resolvePath(byEditor.body.id), SIGNATORY)).status).toBe(200);
    const own = await send("POST", resolvePath(byReviewer.body.id), REVIEWER);
    expect(own.status).toBe(200);
    expect(own.body.resolvedBy.name).toBe("Priya Nair");
    expect((await send("POST", resolvePath(byReviewer.body.id), REVIEWER)).status).toBe(409);
    expect((await send("POST", resolvePath(reply.body.id), EDITOR)).status).toBe(400);
    await waitFor(() => latest.find((c) => c.id === byReviewer.body.id)?.resolvedAt !== null, 1000, "pushed resolve");

    const reopened = await send("POST", resolvePath(byReviewer.body.id, "reopen"), EDITOR);
    expect(reopened.status).toBe(200);
    expect(reopened.body.resolvedAt).toBeNull();
    await waitFor(() => latest.find((c) => c.id === byReviewer.body.id)?.resolvedAt === null, 1000, "pushed reopen");
  });

  it("people edit and delete only their own comments; a deleted thread with replies keeps its place", async () => {
    const { planId } = await planWithText();
    const thread = await send("POST", `/api/plans/${planId}/comments`, REVIEWER, {
      sectionKey: "governance",
      body: "First",
    });
    const reply = await send("POST", `/api/plans/${planId}/comments`, EDITOR, {
      sectionKey: "governance",
      body: "Reply",
      parentId: thread.body.id,
    });
    const path = (id: string) => `/api/plans/${planId}/comments/${id}`;

    expect((await send("PATCH", path(thread.body.id), EDITOR, { body: "Hijacked" })).status).toBe(403);
    const edited = await send("PATCH", path(thread.body.id), REVIEWER, { body: "First, reworded" });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ body: "First, reworded", editedAt: expect.any(String) });

    expect((await send("DELETE", path(thread.body.id), EDITOR)).status).toBe(403);
    expect((await send("DELETE", path(thread.body.id), REVIEWER)).status).toBe(204);
    let list = await comments(planId);
    expect(list.map((c) => [c.id, c.deleted, c.body])).toEqual([
      [thread.body.id, true, ""],
      [reply.body.id, false, "Reply"],
    ]);
    expect((await send("DELETE", path(reply.body.id), EDITOR)).status).toBe(204);
    list = await comments(planId);
    expect(list).toEqual([]);
    expect((await send("PATCH", path(reply.body.id), EDITOR, { body: "again" })).status).toBe(404);
  });

  it("bad input gets a clear 4xx and stores nothing", async () => {
    const { planId, text } = await planWithText();
    const reviewerView = await client(planId, REVIEWER);
    const thread = await send("POST", `/api/plans/${planId}/comments`, REVIEWER, {
      sectionKey: "governance",
      body: "Thread",
    });
    const reply = await send("POST", `/api/plans/${planId}/comments`, REVIEWER, {
      sectionKey: "governance",
      body: "Reply",
      parentId: thread.body.id,
    });
    const before = await comments(planId);
    const governance = firstText(reviewerView.doc, "governance");
    const post = (body: unknown, as = REVIEWER) => send("POST", `/api/plans/${planId}/comments`, as, body);

    const cases: [unknown, number, string][] = [
      [{ sectionKey: "customer-insight", body: "   " }, 400, "body: body is empty"],
      [{ sectionKey: "customer-insight", body: "x".repeat(4001) }, 400, "body: body is longer than 4000 characters"],
      [{ sectionKey: "customer-insight" }, 400, "body: body is required"],
      [
        { sectionKey: "no-such-section", body: "Hello" },
        400,
        'sectionKey: section "no-such-section" is not in this plan',
      ],
      [
        { sectionKey: "customer-insight", body: "Hi", anchor: anchorIn(governance, 0, 5) },
        400,
        'anchor: the start is outside section "customer-insight"',
      ],
      [{ sectionKey: "customer-insight", body: "Hi", anchor: anchorIn(text, 3, 0) }, 400, "anchor: it selects no text"],
      [
        { sectionKey: "customer-insight", body: "Hi", anchor: { start: "AAAA", end: "!!" } },
        400,
        "anchor.end: must be a base64-encoded Yjs relative position",
      ],
      [
        { sectionKey: "customer-insight", body: "Hi", anchor: { start: "/w==", end: "/w==" } },
        400,
        "anchor: the start is not a Yjs relative position",
      ],
      [
        { sectionKey: "governance", body: "Hi", parentId: "missing" },
        400,
        'parentId: no comment "missing" in this plan',
      ],
      [
        { sectionKey: "governance", body: "Hi", parentId: reply.body.id },
        400,
        "parentId: reply to the thread's first comment, not to a reply",
      ],
      [
        { sectionKey: "customer-insight", body: "Hi", parentId: thread.body.id },
        400,
        "sectionKey: a reply belongs to its thread's section",
      ],
    ];
    for (const [body, status, error] of cases) {
      const response = await post(body);
      expect([response.status, response.body.error], JSON.stringify(body).slice(0, 80)).toEqual([status, error]);
    }
    const anchorWithSyntheticRoot = {
      start: toBase64(
        Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(new Y.Doc().getXmlFragment("evil"), 0)),
      ),
      end: toBase64(
        Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(new Y.Doc().getXmlFragment("evil"), 0)),
      ),
    };
    expect((await post({ sectionKey: "customer-insight", body: "Hi", anchor: anchorWithSyntheticRoot })).status).toBe(
      400,
    );
    expect((await send("POST", `/api/plans/${planId}/comments`, REVIEWER, "{not json")).status).toBe(400);
    const viewer = await post({ sectionKey: "governance", body: "Can I?" }, VIEWER);
    expect([viewer.status, viewer.body.error]).toEqual([403, "viewers cannot comment; ask an owner for another role"]);
    expect(await comments(planId)).toEqual(before);
  });
});
