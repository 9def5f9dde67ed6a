import { afterEach, describe, expect, it } from "vitest";
import * as Y from "yjs";
import * as awarenessProtocol from "y-protocols/awareness";
import { sectionFragmentName } from "../../app/shared/doc-names";
import { CloseCode } from "../../server/collab/close-codes.server";
import type { DocStore, StoredDoc } from "../../server/collab/doc-store.server";
import { handleMessage, type PeerIdentity } from "../../server/collab/message-handler.server";
import { MessageType, presenceMessage, syncUpdateMessage } from "../../server/collab/protocol.server";
import { PlanRoom, type Peer } from "../../server/collab/room.server";
import { documentRules } from "../../server/collab/update-validation.server";
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";

/**
 * The sync core in-process: a room with fake peers and a store in memory, driven by the real
 * protocol frames, with no server, socket or database.
 */

const SECTION = "summary";
const turn = () => new Promise((resolve) => setImmediate(resolve));

class MemoryStore implements DocStore {
  readonly appended: Uint8Array[] = [];
  failing = false;
  async load(): Promise<StoredDoc> {
    return { state: Y.encodeStateAsUpdate(new Y.Doc()), lastUpdateId: 0, loggedUpdates: 0 };
  }
  async append(_planId: string, update: Uint8Array): Promise<number> {
    if (this.failing) throw new Error("disk full");
    this.appended.push(update);
    return this.appended.length;
  }
  async compact(): Promise<void> {}
}

interface FakePeer extends Peer {
  sent: Uint8Array[];
  closed: { code: number; reason: string } | null;
  identity: PeerIdentity;
  /** What the store held at the moment of each send. */
  storedAtSend: number[];
}

let rooms: PlanRoom[] = [];
afterEach(() => {
  for (const room of rooms) room.destroy();
  rooms = [];
});

function setUp() {
  const store = new MemoryStore();
  const room = new PlanRoom(
    "plan-1",
    { state: Y.encodeStateAsUpdate(new Y.Doc()), lastUpdateId: 0, loggedUpdates: 0 },
    store,
    {
      compactAfterUpdates: 1000,
      awarenessBatchMs: 5,
      currentEvents: async () => [],
      rules: documentRules([{ key: SECTION, kind: "text" }]),
      maxPlanBytes: 16 * 1024 * 1024,
      maxPresenceClients: 4,
    },
  );
  rooms.push(room);
  const peer = (name: string, readOnly = false): FakePeer => {
    const fake: FakePeer = {
      userId: `user-${name}`,
      readOnly,
      sent: [],
      closed: null,
      storedAtSend: [],
      identity: { id: `user-${name}`, name, organisation: "Test" },
      send(message) {
        fake.sent.push(message);
        fake.storedAtSend.push(store.appended.length);
      },
      close(code, reason) {
        fake.closed = { code, reason };
      },
    };
    room.join(fake);
    fake.sent.length = 0;
    fake.storedAtSend.length = 0;
    return fake;
  };
  return { store, room, peer };
}

/** A client's typing, as the frame its provider sends. */
function typingFrame(words: string, clientDoc = new Y.Doc()): Uint8Array {
  const before = Y.encodeStateVector(clientDoc);
  const paragraph = new Y.XmlElement("paragraph");
  paragraph.insert(0, [new Y.XmlText(words)]);
  clientDoc.getXmlFragment(sectionFragmentName(SECTION)).push([paragraph]);
  return syncUpdateMessage(Y.encodeStateAsUpdate(clientDoc, before));
}

function messageTypes(peer: FakePeer): number[] {
  return peer.sent.map((frame) => decoding.readVarUint(decoding.createDecoder(frame)));
}

describe("the sync core", () => {
  it("stores an update before any peer is sent it", async () => {
    const { store, room, peer } = setUp();
    const alice = peer("alice");
    const bob = peer("bob");
    handleMessage(room, alice, alice.identity, typingFrame("Stored first."));
    expect(bob.sent).toHaveLength(0);
    await turn();
    expect(store.appended).toHaveLength(1);
    expect(messageTypes(bob)).toEqual([MessageType.Sync]);
    expect(bob.storedAtSend).toEqual([1]);
    expect(alice.sent).toHaveLength(0);
  });

  it("stores the updates of one turn as one commit and relays them as one message", async () => {
    const { store, room, peer } = setUp();
    const alice = peer("alice");
    const bob = peer("bob");
    const clientDoc = new Y.Doc();
    for (let i = 0; i < 10; i++) handleMessage(room, alice, alice.identity, typingFrame(`Line ${i}.`, clientDoc));
    await turn();
    expect(store.appended).toHaveLength(1);
    expect(bob.sent).toHaveLength(1);
    const relayed = new Y.Doc();
    Y.applyUpdate(relayed, decodeUpdateFrame(bob.sent[0]!));
    expect(relayed.getXmlFragment(sectionFragmentName(SECTION)).length).toBe(10);
  });

  it("drops a read-only peer's update: not applied, stored or relayed", async () => {
    const { store, room, peer } = setUp();
    const viewer = peer("viewer", true);
    const bob = peer("bob");
    handleMessage(room, viewer, viewer.identity, typingFrame("Should not appear."));
    await turn();
    expect(room.doc.getXmlFragment(sectionFragmentName(SECTION)).length).toBe(0);
    expect(store.appended).toHaveLength(0);
    expect(bob.sent).toHaveLength(0);
    expect(viewer.closed).toBeNull();
  });

  it("closes every connection, relaying nothing, when the store fails", async () => {
    const { store, room, peer } = setUp();
    const alice = peer("alice");
    const bob = peer("bob");
    store.failing = true;
    handleMessage(room, alice, alice.identity, typingFrame("Never stored."));
    await turn();
    await turn();
    expect(bob.sent).toHaveLength(0);
    expect(bob.closed?.code).toBe(CloseCode.InternalError);
    expect(room.isBroken()).toBe(true);
  });

  it("skips presence echoed for others and keeps the sender's own, stamped with its identity", async () => {
    const { room, peer } = setUp();
    const alice = peer("alice");
    const bob = peer("bob");
    const aliceDoc = new Y.Doc();
    const aliceAwareness = new awarenessProtocol.Awareness(aliceDoc);
    aliceAwareness.setLocalState({ user: { name: "Alice" }, cell: "here" });
    handleMessage(room, alice, alice.identity, presenceMessage(aliceAwareness, [aliceDoc.clientID]));

    // Bob's provider echoes Alice's state back (with a forged cell) in the same frame as its own.
    const bobDoc = new Y.Doc();
    const bobAwareness = new awarenessProtocol.Awareness(bobDoc);
    bobAwareness.setLocalState({ user: { name: "Mallory" } });
    awarenessProtocol.applyAwarenessUpdate(
      bobAwareness,
      awarenessProtocol.encodeAwarenessUpdate(aliceAwareness, [aliceDoc.clientID]),
      "test",
    );
    bobAwareness.getStates().set(aliceDoc.clientID, { user: { name: "Alice" }, cell: "forged" });
    bobAwareness.meta.get(aliceDoc.clientID)!.clock += 1;
    handleMessage(room, bob, bob.identity, presenceMessage(bobAwareness, [aliceDoc.clientID, bobDoc.clientID]));

    const states = room.awareness.getStates();
    expect(states.get(aliceDoc.clientID)).toMatchObject({ cell: "here", user: { id: "user-alice", name: "alice" } });
    expect(states.get(bobDoc.clientID)).toMatchObject({ user: { id: "user-bob", name: "bob", organisation: "Test" } });
    expect(room.ownerOfClientId(bobDoc.clientID)).toBe(bob);
  });

  it("keeps nothing of removals for client ids nobody holds, and refuses a flood of entries unread (issue 26, case 4)", () => {
    const { room, peer } = setUp();
    const viewer = peer("viewer", true);
    const removals = (from: number, count: number) =>
      Array.from({ length: count }, (_, i) => ({ clientId: from + i, clock: 1, state: null }));
    const known = room.awareness.meta.size;
    // Removals an honest provider echoes for clients that left, in numbers under the bound.
    handleMessage(room, viewer, viewer.identity, rawPresenceFrame(removals(1000, 5000)));
    expect(room.awareness.meta.size).toBe(known);
    expect(() => handleMessage(room, viewer, viewer.identity, rawPresenceFrame(removals(10_000, 500_000)))).toThrow(
      /more than 10000 entries/,
    );
    expect(room.awareness.meta.size).toBe(known);
  });

  it("relays a presence state without the cursor or colour other pages could not read (issue 26, case 18)", () => {
    const { room, peer } = setUp();
    const alice = peer("alice");
    const unreadable = [
      "here",
      { anchor: 1, head: 1 },
      { anchor: {}, head: {} },
      { anchor: { tname: "made-up-root" }, head: { tname: "made-up-root" } },
      { anchor: { type: { client: -1, clock: 0 } }, head: null },
    ];
    unreadable.forEach((cursor, i) => {
      handleMessage(
        room,
        alice,
        alice.identity,
        rawPresenceFrame([{ clientId: 42, clock: i + 1, state: { cursor, user: { color: "red;x:url(a)" } } }]),
      );
      const state = room.awareness.getStates().get(42)!;
      expect(state.cursor, JSON.stringify(cursor)).toBeUndefined();
      expect((state.user as { color?: string }).color).toBeUndefined();
    });
    expect(room.doc.share.has("made-up-root")).toBe(false);
    const readable = {
      anchor: { tname: sectionFragmentName(SECTION), assoc: 0 },
      head: { tname: sectionFragmentName(SECTION) },
    };
    room.doc.getXmlFragment(sectionFragmentName(SECTION));
    handleMessage(
      room,
      alice,
      alice.identity,
      rawPresenceFrame([{ clientId: 42, clock: 9, state: { cursor: readable } }]),
    );
    expect(room.awareness.getStates().get(42)!.cursor).toEqual(readable);
  });
});

/** An awareness frame holding these entries as they are, as a hostile client may send it. */
function rawPresenceFrame(entries: { clientId: number; clock: number; state: unknown }[]): Uint8Array {
  const inner = encoding.createEncoder();
  encoding.writeVarUint(inner, entries.length);
  for (const entry of entries) {
    encoding.writeVarUint(inner, entry.clientId);
    encoding.writeVarUint(inner, entry.clock);
    encoding.writeVarString(inner, JSON.stringify(entry.state));
  }
  const frame = encoding.createEncoder();
  encoding.writeVarUint(frame, MessageType.Awareness);
  encoding.writeVarUint8Array(frame, encoding.toUint8Array(inner));
  return encoding.toUint8Array(frame);
}

/** The update inside a sync-update frame. */
function decodeUpdateFrame(frame: Uint8Array): Uint8Array {
  const decoder = decoding.createDecoder(frame);
  decoding.readVarUint(decoder);
  decoding.readVarUint(decoder);
  return decoding.readVarUint8Array(decoder);
}
