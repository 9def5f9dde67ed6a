import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { closeDatabase, openDatabase, type Db } from "../../db/client.server";
import { plans } from "../../db/schema";
import { SqliteDocStore } from "../../server/collab/doc-store.server";
import { RoomRegistry } from "../../server/collab/rooms.server";
import { loadTemplates } from "../../server/templates/template-files.server";
import { TEMPLATES_DIR } from "../../server/services.server";
import { waitFor } from "../support/yjs-client";

const PLAN = "plan-1";
let db: Db;
let store: SqliteDocStore;
let rooms: RoomRegistry;

beforeEach(() => {
  db = openDatabase(join(mkdtempSync(join(tmpdir(), "coplan-rooms-")), "rooms.sqlite"));
  const template = [...loadTemplates(TEMPLATES_DIR).values()][0]!;
  db.insert(plans).values({ id: PLAN, title: "T", area: "A", templateId: template.id, template }).run();
  store = new SqliteDocStore(db);
  const doc = new Y.Doc();
  doc.getText("t").insert(0, "stored words");
  store.append(PLAN, Y.encodeStateAsUpdate(doc));
  rooms = new RoomRegistry(store, {
    idleUnloadMs: 100,
    compactAfterUpdates: 500,
    awarenessBatchMs: 50,
    planOf: () => undefined,
    maxPlanBytes: 1024 * 1024,
    maxPresenceClients: 4,
  });
});
afterEach(() => {
  rooms.closeAll();
  closeDatabase(db);
});

describe("reading a plan through the room registry", () => {
  it("loads the plan once for repeated reads, then unloads it when nobody joins", async () => {
    expect(rooms.isLoaded(PLAN)).toBe(false);
    const first = rooms.read(PLAN, (doc) => doc);
    const second = rooms.read(PLAN, (doc) => doc);
    expect(first.getText("t").toString()).toBe("stored words");
    expect(second).toBe(first);
    expect(rooms.isLoaded(PLAN)).toBe(true);
    await waitFor(() => !rooms.isLoaded(PLAN), 5_000, "the idle plan to be unloaded");
  });

  it("an edit made after a read is stored and seen by the next read", () => {
    rooms.read(PLAN, (doc) => doc.getText("t").insert(0, "live, "));
    expect(rooms.read(PLAN, (doc) => doc.getText("t").toString())).toBe("live, stored words");
    const copy = new Y.Doc();
    Y.applyUpdate(copy, store.load(PLAN).state);
    expect(copy.getText("t").toString()).toBe("live, stored words");
  });
});
