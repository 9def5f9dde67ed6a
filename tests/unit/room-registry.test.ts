import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as Y from "yjs";
import * as decoding from "lib0/decoding";
import { closeDatabase, openDatabase, type SqliteDb } from "../../db/client.server";
import { and, desc, eq, gt } from "drizzle-orm";
import { planSnapshots, planUpdates, plans } from "../../db/schema";
import { SqliteDocStore, type DocStore, type StoredDoc } from "../../server/collab/doc-store.server";
import { handleMessage } from "../../server/collab/message-handler.server";
import { MessageType } from "../../server/collab/protocol.server";
import type { Peer } from "../../server/collab/room.server";
import { RoomRegistry } from "../../server/collab/rooms.server";
import { loadTemplates } from "../../server/templates/template-files.server";
import { TEMPLATES_DIR } from "../../server/services.server";
import { waitFor } from "../support/yjs-client";

const PLAN = "plan-1";
const turn = () => new Promise((resolve) => setImmediate(resolve));

/**
 * The SQLite store with one seam: its appends and compactions can be held until released, as a
 * store across the network would hold them for a round trip.
 */
class HeldStore implements DocStore {
  loads = 0;
  private appendGate: Promise<void> | null = null;
  private compactGate: Promise<void> | null = null;
  private releaseAppends = () => {};
  private releaseCompactions = () => {};

  constructor(readonly inner: SqliteDocStore) {}

  holdAppends(): void {
    this.appendGate = new Promise((resolve) => (this.releaseAppends = resolve));
  }
  holdCompactions(): void {
    this.compactGate = new Promise((resolve) => (this.releaseCompactions = resolve));
  }
  release(): void {
    this.appendGate = this.compactGate = null;
    this.releaseAppends();
    this.releaseCompactions();
  }

  async load(planId: string): Promise<StoredDoc> {
    this.loads++;
    await turn();
    return this.inner.load(planId);
  }
  async append(planId: string, update: Uint8Array): Promise<number> {
    if (this.appendGate) await this.appendGate;
    return this.inner.append(planId, update);
  }
  async compact(planId: string, state: Uint8Array, upToUpdateId: number): Promise<void> {
    if (this.compactGate) await this.compactGate;
    return this.inner.compact(planId, state, upToUpdateId);
  }
}

let db: SqliteDb;
let store: HeldStore;
let rooms: RoomRegistry;

beforeEach(async () => {
  db = openDatabase(join(mkdtempSync(join(tmpdir(), "coplan-rooms-")), "rooms.sqlite"));
  const template = [...loadTemplates(TEMPLATES_DIR).values()][0]!;
  db.insert(plans).values({ id: PLAN, title: "T", area: "A", templateId: template.id, template }).run();
  store = new HeldStore(new SqliteDocStore(db));
  const doc = new Y.Doc();
  doc.getText("t").insert(0, "stored words");
  await store.inner.append(PLAN, Y.encodeStateAsUpdate(doc));
  rooms = new RoomRegistry(store, {
    idleUnloadMs: 100,
    compactAfterUpdates: 500,
    awarenessBatchMs: 50,
    planOf: async () => undefined,
    maxPlanBytes: 1024 * 1024,
    maxPresenceClients: 4,
  });
});
afterEach(async () => {
  store.release();
  await rooms.closeAll();
  closeDatabase(db);
});

/** The plan's text as the disk holds it. */
async function storedText(): Promise<string> {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, (await store.inner.load(PLAN)).state);
  return copy.getText("t").toString();
}

/** The plan's text as the disk holds it, read at once from the file. */
function storedTextNow(): string {
  const copy = new Y.Doc();
  const snapshot = db
    .select()
    .from(planSnapshots)
    .where(eq(planSnapshots.planId, PLAN))
    .orderBy(desc(planSnapshots.id))
    .get();
  if (snapshot) Y.applyUpdate(copy, snapshot.state);
  const updates = db
    .select()
    .from(planUpdates)
    .where(and(eq(planUpdates.planId, PLAN), gt(planUpdates.seq, snapshot?.upToUpdateId ?? 0)))
    .all();
  for (const row of updates) Y.applyUpdate(copy, row.update);
  return copy.getText("t").toString();
}

/** Settles with the promise's outcome, or "pending" if it has not settled after a few turns. */
async function stateOf<T>(promise: Promise<T>): Promise<T | "pending"> {
  const pending = Symbol("pending");
  const winner = await Promise.race([
    promise,
    (async () => {
      for (let i = 0; i < 5; i++) await turn();
      return pending;
    })(),
  ]);
  return winner === pending ? "pending" : (winner as T);
}

function fakePeer(name: string): Peer & { sent: Uint8Array[]; storedAtSend: string[] } {
  const peer = {
    userId: `user-${name}`,
    readOnly: false,
    sent: [] as Uint8Array[],
    storedAtSend: [] as string[],
    send(message: Uint8Array) {
      peer.sent.push(message);
      peer.storedAtSend.push(storedTextNow());
    },
    close() {},
  };
  return peer;
}

describe("reading a plan through the room registry", () => {
  it("loads the plan once for repeated reads, then unloads it when nobody joins", async () => {
    expect(rooms.isLoaded(PLAN)).toBe(false);
    const [first, second] = await Promise.all([rooms.read(PLAN, (doc) => doc), rooms.read(PLAN, (doc) => doc)]);
    expect(store.loads).toBe(1);
    expect(first.getText("t").toString()).toBe("stored words");
    expect(second).toBe(first);
    expect(rooms.isLoaded(PLAN)).toBe(true);
    await waitFor(() => !rooms.isLoaded(PLAN), 5_000, "the idle plan to be unloaded");
  });

  it("an edit made by a read is stored before the read answers, and seen by the next read", async () => {
    await rooms.read(PLAN, (doc) => doc.getText("t").insert(0, "live, "));
    expect(await storedText()).toBe("live, stored words");
    expect(await rooms.read(PLAN, (doc) => doc.getText("t").toString())).toBe("live, stored words");
  });

  it("a read never answers with an update the disk does not hold yet", async () => {
    await rooms.read(PLAN, () => undefined);
    store.holdAppends();
    const writing = rooms.read(PLAN, (doc) => doc.getText("t").insert(0, "held, "));
    const reading = rooms.read(PLAN, (doc) => doc.getText("t").toString());
    expect(await stateOf(reading)).toBe("pending");
    expect(await storedText()).toBe("stored words");
    store.release();
    await writing;
    expect(await reading).toBe("held, stored words");
    expect(await storedText()).toBe("held, stored words");
  });

  it("a sync reply is sent only once the state it carries is stored", async () => {
    const reader = fakePeer("reader");
    const room = await rooms.join(PLAN, reader);
    await rooms.read(PLAN, () => undefined);
    reader.sent.length = 0;
    reader.storedAtSend.length = 0;
    store.holdAppends();
    const writing = rooms.read(PLAN, (doc) => doc.getText("t").insert(0, "typed, "));
    await turn();
    const replied = handleMessage(room, reader, { id: reader.userId, name: "R", organisation: "T" }, syncStep1Frame());
    expect(await stateOf(replied!)).toBe("pending");
    expect(reader.sent).toHaveLength(0);
    store.release();
    await Promise.all([writing, replied]);
    expect(reader.sent.map(messageKind)).toContain(MessageType.Sync);
    expect(reader.storedAtSend).not.toHaveLength(0);
    expect(reader.storedAtSend.every((text) => text === "typed, stored words")).toBe(true);
  });

  it("compaction keeps a batch stored while its snapshot was being written", async () => {
    const room = await rooms.join(PLAN, fakePeer("someone"));
    await rooms.read(PLAN, (doc) => doc.getText("t").insert(0, "a "));
    store.holdCompactions();
    const compacting = room.compact();
    await turn();
    await rooms.read(PLAN, (doc) => doc.getText("t").insert(0, "b "));
    store.release();
    await compacting;
    expect(db.select().from(planSnapshots).all()).toHaveLength(1);
    expect(await storedText()).toBe("b a stored words");
  });

  it("stopping stores a snapshot of every loaded plan before it resolves", async () => {
    await rooms.read(PLAN, (doc) => doc.getText("t").insert(0, "last, "));
    await rooms.closeAll();
    expect(db.select().from(planSnapshots).all()).toHaveLength(1);
    expect((await store.inner.load(PLAN)).loggedUpdates).toBe(0);
    expect(await storedText()).toBe("last, stored words");
  });
});

/** A client's sync step 1 with an empty state vector: "send me everything". */
function syncStep1Frame(): Uint8Array {
  return new Uint8Array([MessageType.Sync, 0, 1, 0]);
}

function messageKind(frame: Uint8Array): number {
  return decoding.readVarUint(decoding.createDecoder(frame));
}
