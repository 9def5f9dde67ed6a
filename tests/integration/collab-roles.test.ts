import { afterEach, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { sectionDataName, sectionFragmentName } from "../../app/shared/doc-names";
import { newSuggestionId } from "../../app/shared/suggestion-marks";
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
  it("a reviewer's raw update is refused whole: not applied, stored or relayed", async () => {
    const watcher = observer();
    await waitForSync(watcher);
    let relayed = 0;
    watcher.doc.on("update", () => relayed++);
    const before = countRows(server.databasePath, "plan_updates");

    const reviewer = await peer("reviewer");
    reviewer.sendUpdate(paragraphUpdate("outcomes", "Reviewer rewrote this"));
    expect(await reviewer.closed).toEqual({ code: 4400, reason: "change refused: an edit that is not a suggestion" });

    const serverDoc = await (await peer("owner")).fetchDocument();
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

describe("suggestions on the WebSocket", () => {
  /** The peer's copy of the plan, and the first text of a section's narrative in it. */
  async function synced(who: Who, sectionKey: string) {
    const p = await peer(who);
    const doc = await p.fetchDocument();
    const text = firstText(doc.getXmlFragment(sectionFragmentName(sectionKey)));
    /** Makes a change on the copy and sends it as one update. */
    const send = (change: () => void) => {
      const vector = Y.encodeStateVector(doc);
      doc.transact(change);
      p.sendUpdate(Y.encodeStateAsUpdate(doc, vector));
    };
    return { peer: p, doc, text, send };
  }

  function firstText(fragment: Y.XmlFragment): Y.XmlText {
    const stack: (Y.XmlElement | Y.XmlText | Y.XmlHook)[] = fragment.toArray().reverse();
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (node instanceof Y.XmlText) return node;
      if (node instanceof Y.XmlElement) stack.push(...node.toArray().reverse());
    }
    throw new Error("no text in the section");
  }

  async function sectionText(key: string): Promise<string> {
    const plan = await getJson<{ sections: { key: string; text: string; contentHash: string }[] }>(
      server.url,
      `/api/plans/${server.demoPlanId}`,
      server.cookie(EMAIL.owner),
    );
    const section = plan.body.sections.find((s) => s.key === key)!;
    return `${section.text}|${section.contentHash}`;
  }

  it("a reviewer's own suggestion is applied, stored and relayed, and the section's text and hash stay", async () => {
    const watcher = observer();
    await waitForSync(watcher);
    const before = {
      rows: countRows(server.databasePath, "plan_updates"),
      section: await sectionText("customer-insight"),
    };
    const reviewerId = await memberId(EMAIL.reviewer);
    const reviewer = await synced("reviewer", "customer-insight");
    const id = newSuggestionId(reviewerId);
    reviewer.send(() => reviewer.text.insert(0, "Suggested opening. ", { insertion: { id } }));

    await waitFor(
      () =>
        watcher.doc.getXmlFragment(sectionFragmentName("customer-insight")).toString().includes("Suggested opening."),
      5_000,
      "the suggestion relayed",
    );
    expect(countRows(server.databasePath, "plan_updates")).toBeGreaterThan(before.rows);
    expect(await sectionText("customer-insight")).toBe(before.section);
    const stored = await (await peer("owner")).fetchDocument();
    expect(stored.getXmlFragment(sectionFragmentName("customer-insight")).toString()).toContain(
      `<insertion id="${id}">Suggested opening. </insertion>`,
    );
  });

  it("refuses whole a forged author, accepting someone else's suggestion, a plain insertion, and a suggestion outside the narratives", async () => {
    const [reviewerId, editorId] = [await memberId(EMAIL.reviewer), await memberId(EMAIL.editor)];
    const editor = await synced("editor", "governance");
    const editorsSuggestion = newSuggestionId(editorId);
    editor.send(() => editor.text.insert(0, "Editor proposes. ", { insertion: { id: editorsSuggestion } }));
    await editor.peer.fetchDocument();

    const attempts: [string, (copy: Awaited<ReturnType<typeof synced>>) => void, string][] = [
      [
        "a forged author",
        (copy) => copy.text.insert(0, "Forged. ", { insertion: { id: newSuggestionId(editorId) } }),
        "a change to someone else's suggestion",
      ],
      [
        "accepting the editor's suggestion",
        (copy) => copy.text.format(0, "Editor proposes. ".length, { insertion: null }),
        "an edit that is not a suggestion",
      ],
      ["a plain insertion", (copy) => copy.text.insert(0, "Plain. "), "an edit that is not a suggestion"],
      [
        "a suggestion in a table",
        (copy) => {
          const rows = copy.doc.getMap(sectionDataName("shadow-budget")).get("rows") as Y.Array<Y.Map<unknown>>;
          rows.get(0).set("organisation", `Suggested ${newSuggestionId(reviewerId)}`);
        },
        "a suggestion outside any section's narrative",
      ],
    ];
    for (const [what, change, reason] of attempts) {
      const watcher = observer();
      await waitForSync(watcher);
      let relayed = 0;
      watcher.doc.on("update", () => relayed++);
      const before = { rows: countRows(server.databasePath, "plan_updates"), section: await sectionText("governance") };
      const reviewer = await synced("reviewer", "governance");
      reviewer.send(() => change(reviewer));
      expect(await reviewer.peer.closed, what).toEqual({ code: 4400, reason: `change refused: ${reason}` });
      await (await peer("owner")).fetchDocument();
      expect(countRows(server.databasePath, "plan_updates"), what).toBe(before.rows);
      expect(await sectionText("governance"), what).toBe(before.section);
      expect(relayed, what).toBe(0);
    }
    const stored = await (await peer("owner")).fetchDocument();
    expect(stored.getXmlFragment(sectionFragmentName("governance")).toString()).toContain(
      `<insertion id="${editorsSuggestion}">Editor proposes. </insertion>`,
    );
  });
});
