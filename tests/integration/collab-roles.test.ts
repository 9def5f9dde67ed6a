import { afterEach, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { sectionFragmentName } from "../../app/shared/doc-names";
import { countRows } from "../support/database";
import { getJson } from "../support/http";
import { RawPeer } from "../support/raw-peer";
import { useTestServer } from "../support/test-server";
import { connectClient, waitFor, waitForSync, type TestClient } from "../support/yjs-client";

const EMAIL = {
  owner: "owner@swindon.example",
  editor: "editor@swindon.example",
  reviewer: "reviewer@dwp.example",
  viewer: "viewer@police.example",
};
type Who = keyof typeof EMAIL;

const server = useTestServer({ users: Object.values(EMAIL), demoPlan: true });
const clients: TestClient[] = [];
const peers: RawPeer[] = [];

afterEach(() => {
  for (const c of clients.splice(0)) c.destroy();
  for (const p of peers.splice(0)) p.close();
});

async function peer(who: Who): Promise<RawPeer> {
  const p = await RawPeer.connect(server.url, server.demoPlanId, server.cookie(EMAIL[who]));
  peers.push(p);
  return p;
}

function observer(who: Who = "owner"): TestClient {
  const c = connectClient(server.url, server.demoPlanId, server.cookie(EMAIL[who]));
  clients.push(c);
  return c;
}

/** An update that adds one paragraph to a section, made on a doc of its own. */
function paragraphUpdate(sectionKey: string, text: string): Uint8Array {
  const doc = new Y.Doc();
  const paragraph = new Y.XmlElement("paragraph");
  paragraph.insert(0, [new Y.XmlText(text)]);
  doc.getXmlFragment(sectionFragmentName(sectionKey)).insert(0, [paragraph]);
  return Y.encodeStateAsUpdate(doc);
}

async function memberId(email: string): Promise<string> {
  const { body } = await getJson<{ userId: string; email: string }[]>(
    server.url,
    `/api/plans/${server.demoPlanId}/members`,
    server.cookie(EMAIL.owner),
  );
  return body.find((m) => m.email === email)!.userId;
}

async function setRole(email: string, role: string): Promise<void> {
  const response = await fetch(`${server.url}/api/plans/${server.demoPlanId}/members/${await memberId(email)}`, {
    method: "PATCH",
    headers: { cookie: server.cookie(EMAIL.owner), "content-type": "application/json" },
    body: JSON.stringify({ role }),
  });
  expect(response.status).toBe(204);
}

describe("roles on the WebSocket", () => {
  it("a reviewer's raw update is not applied, stored or relayed", async () => {
    const watcher = observer();
    await waitForSync(watcher);
    let relayed = 0;
    watcher.doc.on("update", () => relayed++);
    const before = countRows(server.databasePath, "plan_updates");

    const reviewer = await peer("reviewer");
    reviewer.sendUpdate(paragraphUpdate("outcomes", "Reviewer rewrote this"));
    const serverDoc = await reviewer.fetchDocument();

    expect(serverDoc.getXmlFragment(sectionFragmentName("outcomes")).toString()).not.toContain("Reviewer rewrote this");
    expect(countRows(server.databasePath, "plan_updates")).toBe(before);
    const plan = await getJson<{ sections: { key: string; text: string }[] }>(
      server.url,
      `/api/plans/${server.demoPlanId}`,
      server.cookie(EMAIL.owner),
    );
    expect(plan.body.sections.find((s) => s.key === "outcomes")?.text).not.toContain("Reviewer rewrote this");
    expect(relayed).toBe(0);
  });

  it("a viewer's update is dropped the same way", async () => {
    const before = countRows(server.databasePath, "plan_updates");
    const viewer = await peer("viewer");
    viewer.sendUpdate(paragraphUpdate("governance", "Viewer was here"));
    const serverDoc = await viewer.fetchDocument();
    expect(serverDoc.getXmlFragment(sectionFragmentName("governance")).toString()).not.toContain("Viewer was here");
    expect(countRows(server.databasePath, "plan_updates")).toBe(before);
  });

  it("presence is relayed only under the sender's own identity, and never for another's client id", async () => {
    const watcher = observer("editor");
    await waitForSync(watcher);
    watcher.provider.awareness.setLocalStateField("user", { name: "Tom Okafor", color: "#00703c" });
    const reviewer = await peer("reviewer");
    const forgedClientId = 987_654_321;
    reviewer.sendAwareness([
      {
        clientId: forgedClientId,
        clock: 1,
        state: { user: { id: "someone-else", name: "Tom Okafor", organisation: "DCLG" } },
      },
    ]);
    reviewer.sendAwareness([{ clientId: watcher.doc.clientID, clock: 99, state: { user: { name: "Hijacked" } } }]);
    await reviewer.fetchDocument();

    await waitFor(() => watcher.provider.awareness.getStates().has(forgedClientId), 5_000, "the reviewer's presence");
    const relayed = watcher.provider.awareness.getStates().get(forgedClientId) as {
      user: { id: string; name: string; organisation: string };
    };
    expect(relayed.user.name).toBe("Priya Nair");
    expect(relayed.user.organisation).toBe("DWP");
    expect(relayed.user.id).not.toBe("someone-else");
    const own = watcher.provider.awareness.getLocalState() as { user: { name: string } };
    expect(own.user.name).toBe("Tom Okafor");
  });

  it("demoting a connected editor to viewer makes their next update be dropped", async () => {
    const editor = await peer("editor");
    editor.sendUpdate(paragraphUpdate("timescales", "Before demotion"));
    expect((await editor.fetchDocument()).getXmlFragment(sectionFragmentName("timescales")).toString()).toContain(
      "Before demotion",
    );

    await setRole("editor@swindon.example", "viewer");
    try {
      const before = countRows(server.databasePath, "plan_updates");
      editor.sendUpdate(paragraphUpdate("timescales", "After demotion"));
      const doc = await editor.fetchDocument();
      expect(doc.getXmlFragment(sectionFragmentName("timescales")).toString()).not.toContain("After demotion");
      expect(countRows(server.databasePath, "plan_updates")).toBe(before);
    } finally {
      await setRole("editor@swindon.example", "editor");
    }
  });

  it("removing a connected member closes their connection, and they cannot reconnect", async () => {
    const viewer = await peer("viewer");
    const viewerId = await memberId("viewer@police.example");
    const response = await fetch(`${server.url}/api/plans/${server.demoPlanId}/members/${viewerId}`, {
      method: "DELETE",
      headers: { cookie: server.cookie(EMAIL.owner) },
    });
    expect(response.status).toBe(204);
    expect(await viewer.closed).toEqual({ code: 4403, reason: "removed from the plan" });
    await expect(RawPeer.connect(server.url, server.demoPlanId, server.cookie(EMAIL.viewer))).rejects.toThrow(
      "refused: 404",
    );
  });
});
