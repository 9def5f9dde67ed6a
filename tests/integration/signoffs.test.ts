import { afterEach, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { sectionFragmentName } from "../../app/shared/doc-names";
import { subscribeToPlanEvents, type PlanSignoffView } from "../../app/shared/plan-events";
import { addRow } from "../../app/shared/section-rows";
import { DEMO_PASSWORD } from "../../server/ops/demo-seed.server";
import { getJson, requestJson, signOff } from "../support/http";
import { useTestServer } from "../support/test-server";
import { connectClient, waitFor, waitForSync, type TestClient } from "../support/yjs-client";

const clients: TestClient[] = [];

const OWNER = "owner@swindon.example";
const EDITOR = "editor@swindon.example";
const LOCAL = "signatory@swindon.example";
const WHITEHALL = "signatory@dclg.example";
const REVIEWER = "reviewer@dwp.example";
const VIEWER = "viewer@police.example";

const server = useTestServer({ users: [OWNER, EDITOR, LOCAL, WHITEHALL, REVIEWER, VIEWER] });

afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
});

const send = (method: string, path: string, as: string, body?: unknown) =>
  requestJson(server.url, method, path, server.cookie(as), body);

/** A fresh single-budget plan with a member of every role. */
async function newPlan(): Promise<string> {
  const created = await send("POST", "/api/plans", OWNER, {
    templateId: "single-budget-for-a-place",
    title: "Sign-off",
    area: "Bradford",
  });
  const id = created.body.id as string;
  const roles: [string, string][] = [
    [EDITOR, "editor"],
    [LOCAL, "signatory"],
    [WHITEHALL, "signatory"],
    [REVIEWER, "reviewer"],
    [VIEWER, "viewer"],
  ];
  for (const [email, role] of roles) {
    expect((await send("POST", `/api/plans/${id}/members`, OWNER, { email, role })).status).toBe(201);
  }
  return id;
}

const sign = (planId: string, key: string, as: string) => signOff(server.url, planId, key, server.cookie(as));

interface PlanBody {
  status: string;
  signoffProgress: { signed: number; total: number };
  sections: { key: string; signoff: { state: string; records: { side: string; signedBy: { name: string } }[] } }[];
}

async function planView(planId: string): Promise<PlanBody> {
  return (await getJson<PlanBody>(server.url, `/api/plans/${planId}`, server.cookie(OWNER))).body;
}

function stateOf(plan: PlanBody, key: string): string {
  return plan.sections.find((section) => section.key === key)!.signoff.state;
}

/** A client that edits as `as` and records every sign-off state the server pushes. */
async function liveClient(planId: string, as: string) {
  const client = connectClient(server.url, planId, server.cookie(as));
  clients.push(client);
  const seen: { at: number; signoffs: PlanSignoffView }[] = [];
  subscribeToPlanEvents(client.provider, (event) => {
    if (event.type === "signoffs") seen.push({ at: performance.now(), signoffs: event.signoffs });
  });
  await waitForSync(client);
  await waitFor(() => seen.length > 0, 5000, "the first sign-off state");
  return { client, seen, latest: () => seen.at(-1)!.signoffs };
}

function appendParagraph(doc: Y.Doc, key: string, words: string): void {
  const paragraph = new Y.XmlElement("paragraph");
  paragraph.insert(0, [new Y.XmlText(words)]);
  const fragment = doc.getXmlFragment(sectionFragmentName(key));
  fragment.insert(fragment.length, [paragraph]);
}

describe("a sign-off covers exactly what the signatory read", () => {
  it("an edit between reading the hash and signing gives 409 with the changes; the right hash gives 201; none gives 400", async () => {
    const planId = await newPlan();
    const editor = await liveClient(planId, EDITOR);
    appendParagraph(editor.client.doc, "governance", "The board meets monthly.");
    const read = async () =>
      (
        await getJson<{ sections: { key: string; contentHash: string; text: string }[] }>(
          server.url,
          `/api/plans/${planId}`,
          server.cookie(LOCAL),
        )
      ).body.sections.find((section) => section.key === "governance")!;
    await waitFor(async () => (await read()).text.includes("monthly"), 5000, "the editor's paragraph");
    const seen = await read();
    expect(seen.contentHash).toMatch(/^[0-9a-f]{64}$/);

    appendParagraph(editor.client.doc, "governance", "Its chair rotates yearly.");
    await waitFor(async () => (await read()).contentHash !== seen.contentHash, 5000, "the second edit");
    const url = `/api/plans/${planId}/sections/governance/signoffs`;
    const refused = await send("POST", url, LOCAL, { contentHash: seen.contentHash, password: DEMO_PASSWORD });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toContain("changed since you read it");
    expect(refused.body.changes).toContainEqual({ kind: "added", text: expect.stringContaining("rotates yearly") });
    expect(refused.body.changes.filter((change: { kind: string }) => change.kind === "removed")).toEqual([]);
    expect(stateOf(await planView(planId), "governance")).toBe("unsigned");

    expect((await send("POST", url, LOCAL)).status).toBe(400);
    expect((await send("POST", url, LOCAL, {})).status).toBe(400);
    expect((await send("POST", url, LOCAL, { contentHash: "not a hash" })).status).toBe(400);
    expect(stateOf(await planView(planId), "governance")).toBe("unsigned");

    const signed = await send("POST", url, LOCAL, { contentHash: refused.body.contentHash, password: DEMO_PASSWORD });
    expect(signed.status).toBe(201);
    expect(signed.body.contentHash).toBe(refused.body.contentHash);
    expect(signed.body.contentHash).toBe((await read()).contentHash);
  });
});

describe("section sign-off", () => {
  it("signatories of both sides sign a section, which goes from partial to signed, named in the plan", async () => {
    const planId = await newPlan();
    const local = await sign(planId, "governance", LOCAL);
    expect(local.status).toBe(201);
    expect(local.body).toMatchObject({ side: "local", fresh: true, signedBy: { name: "Margaret Hale" } });
    expect(local.body.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(stateOf(await planView(planId), "governance")).toBe("partial");

    expect((await sign(planId, "governance", WHITEHALL)).status).toBe(201);
    const plan = await planView(planId);
    expect(stateOf(plan, "governance")).toBe("signed");
    expect(
      plan.sections.find((s) => s.key === "governance")!.signoff.records.map((r) => [r.side, r.signedBy.name]),
    ).toEqual([
      ["local", "Margaret Hale"],
      ["whitehall", "David Marsh"],
    ]);
    expect(plan.signoffProgress).toEqual({ signed: 1, total: 14 });
    expect(plan.status).toBe("draft");
    // Each sign-off names a version after the side's label, as the page does.
    const versions = await getJson<{ name: string | null }[]>(
      server.url,
      `/api/plans/${planId}/versions`,
      server.cookie(OWNER),
    );
    expect(versions.body.map((v) => v.name)).toEqual(
      expect.arrayContaining([
        "Local structures, governance and accountability: signed off (Local)",
        "Local structures, governance and accountability: signed off (Whitehall)",
      ]),
    );
  });

  it("an editor's edit over the WebSocket turns that section stale within a second and leaves the others signed", async () => {
    const planId = await newPlan();
    for (const key of ["governance", "options-appraisal"]) {
      await sign(planId, key, LOCAL);
      await sign(planId, key, WHITEHALL);
    }
    await sign(planId, "timescales", LOCAL);
    const observer = await liveClient(planId, OWNER);
    expect(observer.latest().sections.governance!.state).toBe("signed");
    const editor = await liveClient(planId, EDITOR);

    const editedAt = performance.now();
    appendParagraph(editor.client.doc, "governance", "A new board meets monthly.");
    await waitFor(() => observer.latest().sections.governance!.state === "stale", 1000, "the stale state");
    const staleSeen = observer.seen.find((s) => s.signoffs.sections.governance!.state === "stale")!;
    expect(staleSeen.at - editedAt).toBeLessThan(1000);

    const pushed = observer.latest();
    expect(pushed.sections["options-appraisal"]!.state).toBe("signed");
    expect(pushed.sections.timescales!.state).toBe("partial");
    expect(pushed.sections.governance!.records.every((r) => !r.fresh && r.staleBy?.name === "Tom Okafor")).toBe(true);

    const plan = await planView(planId);
    expect(stateOf(plan, "governance")).toBe("stale");
    expect(stateOf(plan, "options-appraisal")).toBe("signed");

    const audit = await getJson<{ type: string; actor: { email: string } | null; detail: { sectionKey: string } }[]>(
      server.url,
      `/api/plans/${planId}/audit`,
      server.cookie(OWNER),
    );
    const staleEvents = audit.body.filter((e) => e.type === "signoff.stale");
    expect(staleEvents.map((e) => [e.detail.sectionKey, e.actor?.email]).sort()).toEqual([
      ["governance", EDITOR],
      ["governance", EDITOR],
    ]);
    expect(audit.body.filter((e) => e.type === "signoff.signed")).toHaveLength(5);
  });

  it("a change to a structured row turns a signed budget stale too", async () => {
    const planId = await newPlan();
    await sign(planId, "shadow-budget", LOCAL);
    await sign(planId, "shadow-budget", WHITEHALL);
    const editor = await liveClient(planId, EDITOR);
    expect(editor.latest().sections["shadow-budget"]!.state).toBe("signed");
    addRow(editor.client.doc, "shadow-budget", "budget", { organisation: "DWP" });
    await waitFor(() => editor.latest().sections["shadow-budget"]!.state === "stale", 1000, "the stale budget");
  });

  it("a stale section can be signed again, and a signatory can revoke their own sign-off only", async () => {
    const planId = await newPlan();
    await sign(planId, "customer-insight", LOCAL);
    const editor = await liveClient(planId, EDITOR);
    appendParagraph(editor.client.doc, "customer-insight", "Residents were asked.");
    await waitFor(() => editor.latest().sections["customer-insight"]!.state === "stale", 1000, "stale");

    const again = await sign(planId, "customer-insight", LOCAL);
    expect(again.status).toBe(201);
    await waitFor(() => editor.latest().sections["customer-insight"]!.state === "signed", 1000, "signed again");

    const history = await send("GET", `/api/plans/${planId}/sections/customer-insight/signoffs`, VIEWER);
    expect(history.status).toBe(200);
    expect(history.body.records).toHaveLength(2);
    expect(history.body.records[1].revokedAt).not.toBeNull();
    expect(history.body.records[0]).toMatchObject({ fresh: true, revokedAt: null });

    expect((await send("DELETE", `/api/plans/${planId}/sections/customer-insight/signoffs`, WHITEHALL)).status).toBe(
      404,
    );
    expect((await send("DELETE", `/api/plans/${planId}/sections/customer-insight/signoffs`, LOCAL)).status).toBe(204);
    await waitFor(() => editor.latest().sections["customer-insight"]!.state === "unsigned", 1000, "revoked");
    expect((await send("DELETE", `/api/plans/${planId}/sections/customer-insight/signoffs`, LOCAL)).status).toBe(404);
  });

  it("shows what changed between the signed text and the text now", async () => {
    const planId = await newPlan();
    const editor = await liveClient(planId, EDITOR);
    appendParagraph(editor.client.doc, "governance", "The board meets quarterly.");
    await waitFor(async () => {
      const plan = await getJson<{ sections: { key: string; text: string }[] }>(
        server.url,
        `/api/plans/${planId}`,
        server.cookie(OWNER),
      );
      return plan.body.sections.find((s) => s.key === "governance")!.text.includes("quarterly");
    });
    await sign(planId, "governance", LOCAL);
    const fragment = editor.client.doc.getXmlFragment(sectionFragmentName("governance"));
    const text = (fragment.get(0) as Y.XmlElement).get(0) as Y.XmlText;
    text.delete(text.toString().indexOf("quarterly"), "quarterly".length);
    text.insert(text.toString().indexOf("."), "monthly");
    await waitFor(() => editor.latest().sections.governance!.state === "stale", 1000, "stale");

    const history = await send("GET", `/api/plans/${planId}/sections/governance/signoffs`, REVIEWER);
    const changes = history.body.changes as { kind: string; text: string }[];
    expect(changes.filter((c) => c.kind === "removed").map((c) => c.text.trim())).toEqual(["quarterly"]);
    expect(changes.filter((c) => c.kind === "added").map((c) => c.text.trim())).toEqual(["monthly"]);
  });

  it("refuses those who may not sign: reviewer, editor, viewer, owner and the other side's signatory", async () => {
    const planId = await newPlan();
    for (const who of [REVIEWER, EDITOR, VIEWER, OWNER]) {
      const refused = await sign(planId, "governance", who);
      expect(refused.status, who).toBe(403);
      expect(refused.body.error).toMatch(/only a signatory/);
    }
    const otherSide = await sign(planId, "spending-review-derivation", LOCAL);
    expect(otherSide.status).toBe(403);
    expect(otherSide.body.error).toContain("whitehall side; you sign for the local side");
    const otherSideLocal = await sign(planId, "delivery-chains", WHITEHALL);
    expect(otherSideLocal.status).toBe(403);

    const unknownSection = await send("POST", `/api/plans/${planId}/sections/no-such-section/signoffs`, LOCAL, {
      contentHash: "0".repeat(64),
    });
    expect(unknownSection.status).toBe(404);
    expect((await sign(planId, "governance", LOCAL)).status).toBe(201);
    const twice = await sign(planId, "governance", LOCAL);
    expect(twice.status).toBe(409);
    expect(twice.body.error).toContain("already signed off for the local side by you");
    expect((await send("PUT", `/api/plans/${planId}/sections/governance/signoffs`, LOCAL)).status).toBe(405);

    const plan = await planView(planId);
    expect(plan.sections.find((s) => s.key === "governance")!.signoff.records).toHaveLength(1);
    expect(plan.sections.filter((s) => s.signoff.state !== "unsigned").map((s) => s.key)).toEqual(["governance"]);
  });

  it("an owner signs off only once made a signatory too, for their own side", async () => {
    const planId = await newPlan();
    expect((await sign(planId, "customer-insight", OWNER)).status).toBe(403);
    const members = await send("GET", `/api/plans/${planId}/members`, OWNER);
    const ownerId = members.body.find((m: { email: string }) => m.email === OWNER).userId;
    const editorId = members.body.find((m: { email: string }) => m.email === EDITOR).userId;

    const refused = await send("PATCH", `/api/plans/${planId}/members/${editorId}`, OWNER, { signsOff: true });
    expect([refused.status, refused.body.error]).toEqual([
      400,
      "signsOff: only an owner is made a signatory this way; give others the signatory role",
    ]);
    expect((await send("PATCH", `/api/plans/${planId}/members/${ownerId}`, OWNER, { signsOff: true })).status).toBe(
      204,
    );
    const listed = await send("GET", `/api/plans/${planId}/members`, VIEWER);
    expect(listed.body.find((m: { email: string }) => m.email === OWNER).signsOff).toBe(true);

    const signed = await sign(planId, "customer-insight", OWNER);
    expect(signed.status).toBe(201);
    expect(signed.body).toMatchObject({ side: "local", signedBy: { name: "Alison Reed" } });
    expect((await sign(planId, "reform-agenda", OWNER)).status).toBe(403);

    expect((await send("PATCH", `/api/plans/${planId}/members/${ownerId}`, OWNER, { signsOff: false })).status).toBe(
      204,
    );
    expect((await sign(planId, "governance", OWNER)).status).toBe(403);
  });

  it("a plan is final when every section is signed by every side it needs, and a draft again after an edit", async () => {
    const planId = await newPlan();
    const observer = await liveClient(planId, VIEWER);
    const plan = await planView(planId);
    const template = await getJson<{ id: string; sections: { key: string; signoff: string[] }[] }[]>(
      server.url,
      "/api/templates",
      server.cookie(OWNER),
    );
    const sections = template.body.find((t) => t.id === "single-budget-for-a-place")!.sections;
    for (const section of sections) {
      if (section.signoff.includes("local")) expect((await sign(planId, section.key, LOCAL)).status).toBe(201);
      if (section.signoff.includes("whitehall")) expect((await sign(planId, section.key, WHITEHALL)).status).toBe(201);
    }
    expect(plan.status).toBe("draft");
    const final = await planView(planId);
    expect(final.status).toBe("final");
    expect(final.signoffProgress).toEqual({ signed: 14, total: 14 });
    await waitFor(() => observer.latest().status === "final", 1000, "final pushed");

    const editor = await liveClient(planId, EDITOR);
    appendParagraph(editor.client.doc, "implementation-plan", "One more step.");
    await waitFor(() => observer.latest().status === "draft", 1000, "draft again");
    expect(observer.latest().signed).toBe(13);
  });

  it("an edit killed before its staleness check still leaves the sign-off stale after a restart", async () => {
    const planId = await newPlan();
    await sign(planId, "reform-agenda", WHITEHALL);
    const editor = await liveClient(planId, EDITOR);
    const observer = await liveClient(planId, OWNER);
    appendParagraph(editor.client.doc, "reform-agenda", "Reform starts with families.");
    // Once another client has the edit it is on disk; the check runs 100 ms later.
    await waitFor(
      () => observer.client.doc.getXmlFragment(sectionFragmentName("reform-agenda")).toString().includes("families"),
      1000,
      "relay",
    );
    await server.restart("SIGKILL");
    const plan = await planView(planId);
    expect(stateOf(plan, "reform-agenda")).toBe("stale");
  });
});
