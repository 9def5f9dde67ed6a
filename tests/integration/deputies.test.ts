import { afterEach, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { sectionFragmentName } from "../../app/shared/doc-names";
import { londonDate } from "../../server/people/london-days.server";
import { addUser } from "../support/admin";
import { getJson, requestJson, signIn, signOff } from "../support/http";
import { RawPeer } from "../support/raw-peer";
import { startServer } from "../support/server";
import { useTestServer } from "../support/test-server";
import { connectClient, waitFor, waitForSync, type TestClient } from "../support/yjs-client";

const OWNER = "owner@swindon.example";
const EDITOR = "editor@swindon.example";
const LOCAL = "signatory@swindon.example";
const WHITEHALL = "signatory@dclg.example";
const DEPUTY = "deputy@swindon.example";

const server = useTestServer({ users: [OWNER, EDITOR, LOCAL, WHITEHALL] });
const clients: TestClient[] = [];
const peers: RawPeer[] = [];
let deputyCookie: string | undefined;

afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
  for (const peer of peers.splice(0)) peer.close();
});

type Send = (method: string, path: string, cookie: string, body?: unknown) => ReturnType<typeof requestJson>;

function sender(url: string): Send {
  return (method, path, cookie, body) => requestJson(url, method, path, cookie, body);
}

/** Dan Deputy, a local user who belongs to no plan, signed in once for the file. */
async function deputy(): Promise<string> {
  if (!deputyCookie) {
    addUser(server.databasePath, DEPUTY, "Dan Deputy", "local");
    deputyCookie = await signIn(server.url, DEPUTY);
  }
  return deputyCookie;
}

function day(offsetDays: number, from = Date.now()): string {
  return londonDate(from + offsetDays * 86_400_000);
}

/**
 * A fresh plan with Margaret Hale (local) as a signatory and words in its governance section,
 * which the local side signs.
 */
async function planWithWords(url: string, owner: string, signatoryEmail: string): Promise<string> {
  const request = sender(url);
  const created = await request("POST", "/api/plans", owner, {
    templateId: "single-budget-for-a-place",
    title: "Deputies",
    area: "Swindon",
  });
  const id = created.body.id as string;
  expect(
    (await request("POST", `/api/plans/${id}/members`, owner, { email: signatoryEmail, role: "signatory" })).status,
  ).toBe(201);
  const client = connectClient(url, id, owner);
  clients.push(client);
  await waitForSync(client);
  const paragraph = new Y.XmlElement("paragraph");
  paragraph.insert(0, [new Y.XmlText("The board meets monthly.")]);
  client.doc.getXmlFragment(sectionFragmentName("governance")).insert(0, [paragraph]);
  await waitFor(
    async () =>
      (await getJson<{ sections: { key: string; text: string }[] }>(url, `/api/plans/${id}`, owner)).body.sections
        .find((section) => section.key === "governance")!
        .text.includes("monthly"),
    10_000,
    "the governance words",
  );
  return id;
}

const api: Send = (method, path, cookie, body) => requestJson(server.url, method, path, cookie, body);

describe("naming a deputy: bad input gets a clear answer and changes nothing", () => {
  it("refuses the other side, oneself, an unknown email, a deactivated user, bad dates, until before from, and a non-signatory", async () => {
    const put = (as: string, body: unknown) => api("PUT", "/api/account/deputy", as, body);
    const local = server.cookie(LOCAL);
    const [from, until] = [day(0), day(3)];
    const cases: [unknown, number, string][] = [
      [
        { email: WHITEHALL, from, until },
        400,
        "David Marsh is on the whitehall side; a deputy signs for your side (local)",
      ],
      [{ email: LOCAL, from, until }, 400, "email: you cannot be your own deputy"],
      [{ email: "nobody@swindon.example", from, until }, 404, "no user has the email nobody@swindon.example"],
      [{ email: EDITOR, from: "2026-02-30", until }, 400, "from: give a real date as YYYY-MM-DD"],
      [{ email: EDITOR, from: "12/12/2026", until }, 400, "from: give a real date as YYYY-MM-DD"],
      [{ email: EDITOR, from }, 400, "until: give a date as YYYY-MM-DD"],
      [
        { email: EDITOR, from: until, until: from },
        400,
        `until: the period ends (${from}) before it starts (${until})`,
      ],
      [{ email: EDITOR, from: day(-5), until: day(-2) }, 400, `until: ${day(-2)} has passed already`],
      ["not json", 400, "request body must be valid JSON"],
    ];
    for (const [body, status, error] of cases) {
      const answer = await put(local, body);
      expect({ body, status: answer.status, error: answer.body?.error }).toEqual({ body, status, error });
    }
    addUser(server.databasePath, "gone@swindon.example", "Gone Away", "local");
    const users = await getJson<{ id: string; email: string }[]>(server.url, "/api/admin/users", server.cookie(OWNER));
    const gone = users.body.find((user) => user.email === "gone@swindon.example")!;
    expect((await api("POST", `/api/admin/users/${gone.id}/deactivate`, server.cookie(OWNER))).status).toBe(204);
    const deactivated = await put(local, { email: "gone@swindon.example", from, until });
    expect([deactivated.status, deactivated.body.error]).toEqual([400, "Gone Away's account is deactivated"]);
    // Tom Okafor edits the demo plan and signs off none: he has nobody to stand in for him.
    const editor = await put(server.cookie(EDITOR), { email: "owner@swindon.example", from, until });
    expect([editor.status, editor.body.error]).toEqual([
      403,
      "only a signatory of a plan names a deputy, and you sign off no plan",
    ]);
    const ended = await api("DELETE", "/api/account/deputy", local);
    expect([ended.status, ended.body.error]).toEqual([404, "you have no deputy named to end"]);
    expect((await api("GET", "/api/account/deputy", local)).body).toEqual({ named: [], standingInFor: [] });
  });
});

interface PlanBody {
  sections: {
    key: string;
    signoff: { records: { side: string; signedBy: { name: string }; onBehalfOf: { name: string } | null }[] };
  }[];
}

describe("a deputy while the period runs", () => {
  it("reads and signs for the signatory only within the period, without being a member; the record names both; the signatory is told", async () => {
    const dan = await deputy();
    const local = server.cookie(LOCAL);
    const planId = await planWithWords(server.url, server.cookie(OWNER), LOCAL);
    expect((await api("GET", `/api/plans/${planId}`, dan)).status).toBe(404);

    const later = await api("PUT", "/api/account/deputy", local, { email: DEPUTY, from: day(1), until: day(4) });
    expect(later.status).toBe(200);
    expect(later.body).toMatchObject({ deputy: { name: "Dan Deputy" }, from: day(1), until: day(4), running: false });
    // Not started yet: nothing to read or sign.
    expect((await api("GET", `/api/plans/${planId}`, dan)).status).toBe(404);
    await expect(RawPeer.connect(server.url, planId, dan)).rejects.toThrow("refused: 404");

    // A period from today overlaps the planned one and replaces it.
    const now = await api("PUT", "/api/account/deputy", local, { email: DEPUTY, from: day(0), until: day(2) });
    expect(now.body).toMatchObject({ from: day(0), until: day(2), running: true });
    const mine = await api("GET", "/api/account/deputy", local);
    expect(mine.body.named).toHaveLength(1);
    expect((await api("GET", "/api/account/deputy", dan)).body.standingInFor).toMatchObject([
      { signatory: { name: "Margaret Hale" }, until: day(2) },
    ]);

    expect((await api("GET", `/api/plans/${planId}`, dan)).status).toBe(200);
    const listed = await api("GET", "/api/plans", dan);
    expect(listed.body.find((row: { id: string }) => row.id === planId)).toMatchObject({
      role: "viewer",
      standsInFor: [{ name: "Margaret Hale" }],
    });
    expect((await api("GET", "/api/portfolio", dan)).body.map((row: { id: string }) => row.id)).toContain(planId);
    // Words are searchable within 2 s of the edit (the index lags the document).
    await waitFor(
      async () =>
        (await api("GET", "/api/search?q=monthly", dan)).body.some((hit: { planId: string }) => hit.planId === planId),
      10_000,
      "the deputy finding the plan's words",
    );
    const pdf = await fetch(`${server.url}/api/plans/${planId}/export.pdf`, { headers: { cookie: dan } });
    expect(pdf.status).toBe(200);
    await pdf.arrayBuffer();
    // Reading and signing only: not a member, so no managing and no editing.
    expect((await api("POST", `/api/plans/${planId}/members`, dan, { email: EDITOR, role: "viewer" })).status).toBe(
      403,
    );
    const members = await api("GET", `/api/plans/${planId}/members`, server.cookie(OWNER));
    expect(members.body.map((member: { email: string }) => member.email)).not.toContain(DEPUTY);

    const signed = await signOff(server.url, planId, "governance", dan);
    expect(signed.status).toBe(201);
    expect(signed.body).toMatchObject({
      side: "local",
      signedBy: { name: "Dan Deputy" },
      onBehalfOf: { name: "Margaret Hale" },
      method: "password",
    });
    expect(signed.body.meaning).toMatch(
      /^I, Dan Deputy, approve section '.+' for the local side, as deputy for Margaret Hale, /,
    );
    const plan = (await getJson<PlanBody>(server.url, `/api/plans/${planId}`, server.cookie(OWNER))).body;
    expect(plan.sections.find((section) => section.key === "governance")!.signoff.records).toMatchObject([
      { side: "local", signedBy: { name: "Dan Deputy" }, onBehalfOf: { name: "Margaret Hale" } },
    ]);
    const told = await api("GET", "/api/notifications", local);
    expect(told.body).toContainEqual(
      expect.objectContaining({
        type: "signoff-by-deputy",
        planId,
        text: "Dan Deputy signed off “Local structures, governance and accountability” in Deputies for you, as your deputy",
      }),
    );
    // Owners see who stands in for whom.
    const page = await fetch(`${server.url}/plans/${planId}/members`, { headers: { cookie: server.cookie(OWNER) } });
    expect((await page.text()).replace(/<[^>]+>/g, "")).toContain("Dan Deputy stands in for Margaret Hale until");

    const ended = await api("DELETE", "/api/account/deputy", local);
    expect(ended.status).toBe(204);
    expect((await api("GET", `/api/plans/${planId}`, dan)).status).toBe(404);
  });

  it("access through a deputyship never passes on: a deputy's own deputy gets only the deputy's own plans", async () => {
    const dan = await deputy();
    const margaretsPlan = await planWithWords(server.url, server.cookie(OWNER), LOCAL);
    const dansPlan = await planWithWords(server.url, server.cookie(OWNER), DEPUTY);
    const local = server.cookie(LOCAL);
    expect(
      (await api("PUT", "/api/account/deputy", local, { email: DEPUTY, from: day(0), until: day(1) })).status,
    ).toBe(200);
    const passedOn = await api("PUT", "/api/account/deputy", dan, { email: EDITOR, from: day(0), until: day(1) });
    expect(passedOn.status).toBe(200);
    const tom = server.cookie(EDITOR);
    expect((await api("GET", `/api/plans/${dansPlan}`, tom)).status).toBe(200);
    expect((await api("GET", `/api/plans/${margaretsPlan}`, tom)).status).toBe(404);
    const signing = await api("POST", `/api/plans/${margaretsPlan}/sections/governance/signoffs`, tom, {
      contentHash: "0".repeat(64),
    });
    expect(signing.status).toBe(404);
    expect((await api("DELETE", "/api/account/deputy", dan)).status).toBe(204);
    expect((await api("DELETE", "/api/account/deputy", local)).status).toBe(204);
  });

  it("ending the period early closes the deputy's open socket (4410) and live stream, and a sign-off after it is a 404", async () => {
    const dan = await deputy();
    const local = server.cookie(LOCAL);
    const planId = await planWithWords(server.url, server.cookie(OWNER), LOCAL);
    expect(
      (await api("PUT", "/api/account/deputy", local, { email: DEPUTY, from: day(0), until: day(0) })).status,
    ).toBe(200);
    const socket = await RawPeer.connect(server.url, planId, dan);
    peers.push(socket);
    const stream = await fetch(`${server.url}/api/portfolio/events`, { headers: { cookie: dan } });
    const streamEnded = stream.text();
    expect((await api("DELETE", "/api/account/deputy", local)).status).toBe(204);
    expect(await socket.closed).toEqual({ code: 4410, reason: "your time as a deputy has ended" });
    expect(await streamEnded).toMatch(/^retry: 2000\n\n/);
    expect((await api("GET", `/api/plans/${planId}`, dan)).status).toBe(404);
    const signing = await api("POST", `/api/plans/${planId}/sections/governance/signoffs`, dan, {
      contentHash: "0".repeat(64),
    });
    expect([signing.status, signing.body.error]).toEqual([404, "plan not found"]);
    await expect(RawPeer.connect(server.url, planId, dan)).rejects.toThrow("refused: 404");
  });
});

describe("a deputy's access follows the signatory's", () => {
  it("removing the signatory from a plan closes the deputy's socket there and takes the plan away", async () => {
    const dan = await deputy();
    const local = server.cookie(LOCAL);
    const planId = await planWithWords(server.url, server.cookie(OWNER), LOCAL);
    expect(
      (await api("PUT", "/api/account/deputy", local, { email: DEPUTY, from: day(0), until: day(1) })).status,
    ).toBe(200);
    const socket = await RawPeer.connect(server.url, planId, dan);
    peers.push(socket);
    const members = await api("GET", `/api/plans/${planId}/members`, server.cookie(OWNER));
    const margaret = members.body.find((member: { email: string }) => member.email === LOCAL);
    expect((await api("DELETE", `/api/plans/${planId}/members/${margaret.userId}`, server.cookie(OWNER))).status).toBe(
      204,
    );
    expect((await socket.closed).code).toBe(4403);
    expect((await api("GET", `/api/plans/${planId}`, dan)).status).toBe(404);
    expect((await api("DELETE", "/api/account/deputy", local)).status).toBe(204);
  });

  it("deactivating the signatory closes the deputy's open socket at once and takes the plan away", async () => {
    const dan = await deputy();
    const email = "second-signatory@swindon.example";
    addUser(server.databasePath, email, "Priya Shah", "local");
    const priya = await signIn(server.url, email);
    const planId = await planWithWords(server.url, server.cookie(OWNER), email);
    expect(
      (await api("PUT", "/api/account/deputy", priya, { email: DEPUTY, from: day(0), until: day(1) })).status,
    ).toBe(200);
    const socket = await RawPeer.connect(server.url, planId, dan);
    peers.push(socket);
    const users = await getJson<{ id: string; email: string }[]>(server.url, "/api/admin/users", server.cookie(OWNER));
    const id = users.body.find((user) => user.email === email)!.id;
    expect((await api("POST", `/api/admin/users/${id}/deactivate`, server.cookie(OWNER))).status).toBe(204);
    expect(await socket.closed).toEqual({ code: 4410, reason: "your time as a deputy has ended" });
    expect((await api("GET", `/api/plans/${planId}`, dan)).status).toBe(404);
  });
});

describe("a period ends on its own", () => {
  it("at the end of its last day (Europe/London), the deputy's open socket is closed without waiting for a message, and they can no longer read or sign", async () => {
    // The server's deputy clock starts 40 s before midnight of 10 December (GMT): a period of
    // that one day ends 40 s after the server starts.
    const timed = await startServer({ env: { DEPUTY_CLOCK_START: "2026-12-10T23:59:20Z" } });
    try {
      const request = sender(timed.url);
      const [owner, margaret, tom] = [
        await signIn(timed.url, OWNER),
        await signIn(timed.url, LOCAL),
        await signIn(timed.url, EDITOR),
      ];
      const planId = await planWithWords(timed.url, owner, LOCAL);
      const named = await request("PUT", "/api/account/deputy", margaret, {
        email: EDITOR,
        from: "2026-12-10",
        until: "2026-12-10",
      });
      expect(named.body).toMatchObject({ running: true, until: "2026-12-10" });
      expect((await request("GET", `/api/plans/${planId}`, tom)).status).toBe(200);
      const socket = await RawPeer.connect(timed.url, planId, tom);
      peers.push(socket);
      const signed = await signOff(timed.url, planId, "governance", tom);
      expect(signed.body).toMatchObject({ signedBy: { name: "Tom Okafor" }, onBehalfOf: { name: "Margaret Hale" } });

      expect(await socket.closed).toEqual({ code: 4410, reason: "your time as a deputy has ended" });
      expect((await request("GET", `/api/plans/${planId}`, tom)).status).toBe(404);
      expect((await request("DELETE", `/api/plans/${planId}/sections/governance/signoffs`, tom)).status).toBe(404);
      expect((await request("GET", "/api/account/deputy", margaret)).body.named).toEqual([]);
    } finally {
      await timed.stop();
    }
  }, 90_000);
});
