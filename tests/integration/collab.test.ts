import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import * as encoding from "lib0/encoding";
import * as Y from "yjs";
import { sectionFragmentName } from "../../app/shared/doc-names";
import { countRows } from "../support/database";
import { getJson } from "../support/http";
import { useTestServer } from "../support/test-server";
import { connectClient, waitFor, waitForSync, type TestClient } from "../support/yjs-client";

const OWNER = "owner@swindon.example";
const EDITOR = "editor@swindon.example";
const server = useTestServer({ users: [OWNER, EDITOR], demoPlan: true });
const clients: TestClient[] = [];

function client(cookie: string | undefined): TestClient {
  const c = connectClient(server.url, server.demoPlanId, cookie);
  clients.push(c);
  return c;
}

function paragraph(text: string): Y.XmlElement {
  const p = new Y.XmlElement("paragraph");
  p.insert(0, [new Y.XmlText(text)]);
  return p;
}

function sectionText(doc: Y.Doc, key: string): string {
  return doc.getXmlFragment(sectionFragmentName(key)).toString();
}

interface PlanJson {
  sections: { key: string; text: string }[];
}

async function apiSectionText(key: string): Promise<string | undefined> {
  const { body } = await getJson<PlanJson>(server.url, `/api/plans/${server.demoPlanId}`, server.cookie(OWNER));
  return body.sections.find((s) => s.key === key)?.text;
}

/** Opens a raw WebSocket and collects every frame and the close, for protocol-level checks. */
function rawSocket(cookie: string | undefined, extraHeaders: Record<string, string> = {}) {
  const frames: Buffer[] = [];
  const ws = new WebSocket(`${server.url.replace(/^http/, "ws")}/collab/${server.demoPlanId}`, {
    headers: { ...(cookie ? { cookie } : {}), ...extraHeaders },
  });
  const closed = new Promise<{ code: number; status?: number }>((resolve) => {
    ws.on("unexpected-response", (_req, res) => resolve({ code: 0, status: res.statusCode }));
    ws.on("close", (code) => resolve({ code }));
    ws.on("error", () => undefined);
  });
  ws.on("message", (data: Buffer) => frames.push(data));
  const opened = new Promise<void>((resolve) => ws.on("open", () => resolve()));
  return { ws, frames, closed, opened };
}

afterEach(() => {
  for (const c of clients.splice(0)) c.destroy();
});

describe("live co-editing through the real server", () => {
  it("two stock y-websocket providers edit the same section and converge", async () => {
    const a = client(server.cookie(OWNER));
    const b = client(server.cookie(EDITOR));
    await Promise.all([waitForSync(a), waitForSync(b)]);
    const fa = a.doc.getXmlFragment(sectionFragmentName("outcomes"));
    const fb = b.doc.getXmlFragment(sectionFragmentName("outcomes"));
    fa.insert(0, [paragraph("From A")]);
    fb.insert(0, [paragraph("From B")]);
    await waitFor(() => fa.length === 2 && fb.length === 2, 10_000, "both paragraphs on both clients");
    expect(fa.toString()).toBe(fb.toString());
    expect(await apiSectionText("outcomes")).toMatch(/From (A|B)\nFrom (A|B)/);
  });

  it("after a server restart a fresh client gets everything", async () => {
    const a = client(server.cookie(OWNER));
    await waitForSync(a);
    a.doc.getXmlFragment(sectionFragmentName("timescales")).insert(0, [paragraph("Survives restarts")]);
    await waitFor(
      async () => (await apiSectionText("timescales"))?.includes("Survives restarts"),
      10_000,
      "the edit to reach the server",
    );
    a.destroy();

    await server.restart();
    const fresh = client(server.cookie(OWNER));
    await waitForSync(fresh);
    expect(sectionText(fresh.doc, "timescales")).toContain("Survives restarts");
  });

  it("a client without a valid session cookie is refused and gets no document bytes", async () => {
    for (const cookie of [undefined, "coplan_session=forged.value", `${server.cookie(OWNER).slice(0, -3)}abc`]) {
      const socket = rawSocket(cookie);
      const result = await socket.closed;
      expect(result.status).toBe(401);
      expect(socket.frames).toHaveLength(0);
    }
  });

  it("a foreign Origin is refused before the handshake", async () => {
    const socket = rawSocket(server.cookie(OWNER), { origin: "https://evil.example" });
    expect((await socket.closed).status).toBe(403);
    expect(socket.frames).toHaveLength(0);
  });

  it("a malformed frame closes only that connection, and nothing is stored", async () => {
    const a = client(server.cookie(OWNER));
    await waitForSync(a);
    const before = countRows(server.databasePath, "plan_updates");

    const bad = rawSocket(server.cookie(EDITOR));
    await bad.opened;
    const truncated = encoding.createEncoder();
    encoding.writeVarUint(truncated, 0);
    encoding.writeVarUint(truncated, 2);
    encoding.writeVarUint(truncated, 50);
    encoding.writeUint8Array(truncated, new Uint8Array([1, 2, 3]));
    bad.ws.send(encoding.toUint8Array(truncated));
    expect((await bad.closed).code).toBe(1007);

    const text = rawSocket(server.cookie(EDITOR));
    await text.opened;
    text.ws.send("not a binary frame");
    expect((await text.closed).code).toBe(1003);

    expect(countRows(server.databasePath, "plan_updates")).toBe(before);
    a.doc.getXmlFragment(sectionFragmentName("governance")).insert(0, [paragraph("Still editing")]);
    await waitFor(
      async () => (await apiSectionText("governance"))?.includes("Still editing"),
      10_000,
      "the good client's edit",
    );
  });

  it("a frame over the size limit closes that connection with 1009", async () => {
    const big = rawSocket(server.cookie(EDITOR));
    await big.opened;
    big.ws.send(new Uint8Array(9 * 1024 * 1024));
    expect((await big.closed).code).toBe(1009);
    expect((await getJson(server.url, "/api/health")).body).toEqual({ ok: true });
  });
});
