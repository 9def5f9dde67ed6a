import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as Y from "yjs";
import { sectionFragmentName } from "../../app/shared/doc-names";
import { initialiseStructuredSections } from "../../app/shared/section-rows";
import type { SqliteStore } from "../../db/store.server";
import type { Plan } from "../../db/schema";
import { SqliteDocStore } from "../../server/collab/doc-store.server";
import { RoomRegistry } from "../../server/collab/rooms.server";
import { TEMPLATES_DIR } from "../../server/services.server";
import { loadTemplates } from "../../server/templates/template-files.server";
import { VersionService } from "../../server/versions/version-service.server";
import { VersionRoomExtension } from "../../server/versions/version-room.server";
import { openTestStore, type TestStore } from "../support/stores";

let opened: TestStore;
let store: SqliteStore;
let plan: Plan;
let versions: VersionService;
let rooms: RoomRegistry;

beforeEach(async () => {
  opened = await openTestStore("sqlite");
  store = opened.store as SqliteStore;
  const template = loadTemplates(TEMPLATES_DIR).get("single-budget-for-a-place")!;
  [plan] = (await store.db
    .insert(store.tables.plans)
    .values({ id: "plan-1", title: "T", area: "A", templateId: template.id, template })
    .returning()) as [Plan];
  rooms = new RoomRegistry(new SqliteDocStore(store.sync, store.gate), {
    idleUnloadMs: 3_600_000,
    compactAfterUpdates: 500,
    awarenessBatchMs: 50,
    planOf: async () => plan,
    maxPlanBytes: 1 << 24,
    maxPresenceClients: 4,
  });
  versions = new VersionService(store, rooms);
});
afterEach(() => opened.dispose());

/** Lets what the timers started finish: every statement on SQLite settles within microtasks. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

function write(doc: Y.Doc, words: string): void {
  const paragraph = new Y.XmlElement("paragraph");
  paragraph.insert(0, [new Y.XmlText(words)]);
  doc.getXmlFragment(sectionFragmentName("governance")).push([paragraph]);
}

describe("automatic versions", () => {
  it("are never identical to the version before them, of any kind", async () => {
    const doc = new Y.Doc();
    initialiseStructuredSections(doc, plan.template);
    write(doc, "First words.");
    const first = await versions.makeAuto(plan, doc);
    expect(first).toEqual(expect.any(Number));
    expect(await versions.makeAuto(plan, doc)).toBeNull();

    write(doc, "Then more.");
    doc.getXmlFragment(sectionFragmentName("governance")).delete(1, 1);
    expect(await versions.makeAuto(plan, doc)).toBeNull();

    write(doc, "Then more.");
    await versions.make(plan, versions.snapshot(plan, doc), { kind: "named", name: "Named" });
    expect(await versions.makeAuto(plan, doc)).toBeNull();

    write(doc, "And a third.");
    expect(await versions.makeAuto(plan, doc)).toBeGreaterThan(first!);
    expect((await versions.list(plan.id)).map((version) => version.kind)).toEqual(["auto", "named", "auto"]);
  });

  it("name the people whose edits they first hold, once each", async () => {
    for (const [id, name] of [
      ["u1", "Ann Lee"],
      ["u2", "Bo Chan"],
    ]) {
      await store.db.insert(store.tables.users).values({
        id: id!,
        email: `${id}@example.org`,
        name: name!,
        organisation: "Swindon",
        side: "local",
        passwordHash: "x",
      });
    }
    const doc = new Y.Doc();
    write(doc, "Words.");
    for (const userId of ["u1", null, "u2", "u1"]) versions.noteEdit(plan.id, userId);
    expect(versions.hasUnversionedEdits(plan.id)).toBe(true);
    await versions.makeAuto(plan, doc);
    expect(versions.hasUnversionedEdits(plan.id)).toBe(false);
    expect((await versions.list(plan.id))[0]!.contributors.map((person) => person.name)).toEqual([
      "Ann Lee",
      "Bo Chan",
    ]);
    write(doc, "More.");
    versions.noteEdit(plan.id, "u2");
    await versions.makeAuto(plan, doc);
    expect((await versions.list(plan.id))[0]!.contributors.map((person) => person.name)).toEqual(["Bo Chan"]);
  });

  it("come after a quiet spell, at least every interval while editing goes on, and when the plan unloads", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    try {
      rooms.use(new VersionRoomExtension(versions, { quietMs: 60_000, maxIntervalMs: 300_000 }));
      const kinds = async () => {
        await settle();
        return (await versions.list(plan.id)).map((version) => version.kind);
      };
      const edit = (words: string) => rooms.read(plan.id, (doc) => write(doc, words));

      await edit("One.");
      vi.advanceTimersByTime(59_000);
      expect(await kinds()).toEqual([]);
      vi.advanceTimersByTime(1_000);
      expect(await kinds()).toEqual(["auto"]);

      // An edit every 30 s never leaves a quiet minute: the interval makes one anyway.
      for (let second = 0; second < 300; second += 30) {
        await edit(`At ${second}.`);
        vi.advanceTimersByTime(30_000);
      }
      expect(await kinds()).toEqual(["auto", "auto"]);

      await edit("Last words.");
      await rooms.closeAll();
      expect(await kinds()).toEqual(["auto", "auto", "auto"]);
    } finally {
      vi.useRealTimers();
    }
  });
});
