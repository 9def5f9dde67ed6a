import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { initialiseStructuredSections } from "../../app/shared/section-rows";
import type { Plan } from "../../db/schema";
import type { Store } from "../../db/store.server";
import type { RoomRegistry } from "../../server/collab/rooms.server";
import { sectionPlainText } from "../../server/plans/plan-content.server";
import { TEMPLATES_DIR } from "../../server/services.server";
import { loadTemplates } from "../../server/templates/template-files.server";
import { VersionService } from "../../server/versions/version-service.server";
import { memoryRooms, writeParagraph } from "../support/memory-rooms";
import { openTestStore, STORE_KINDS, type TestStore } from "../support/stores";

const SECTION = "governance";

describe.each(STORE_KINDS)("versions on the %s store", (kind) => {
  let opened: TestStore;
  let store: Store;
  let plan: Plan;
  let rooms: RoomRegistry;
  let versions: VersionService;
  const plans = new Map<string, Plan>();
  let planCount = 0;

  beforeAll(async () => {
    opened = await openTestStore(kind);
    store = opened.store;
    await store.db.insert(store.tables.users).values(
      [
        ["ann", "Ann Lee"],
        ["bo", "Bo Chan"],
      ].map(([id, name]) => ({
        id: id!,
        email: `${id}@example.org`,
        name: name!,
        organisation: "Swindon",
        side: "local" as const,
        passwordHash: "x",
      })),
    );
    rooms = memoryRooms(plans);
  });
  afterAll(async () => {
    await rooms?.closeAll();
    await opened?.dispose();
  });

  beforeEach(async () => {
    const template = loadTemplates(TEMPLATES_DIR).get("single-budget-for-a-place")!;
    [plan] = (await store.db
      .insert(store.tables.plans)
      .values({ id: `plan-${++planCount}`, title: "T", area: "A", templateId: template.id, template })
      .returning()) as [Plan];
    plans.set(plan.id, plan);
    versions = new VersionService(store, rooms);
  });

  function docWith(words: string): Y.Doc {
    const doc = new Y.Doc();
    initialiseStructuredSections(doc, plan.template);
    writeParagraph(doc, SECTION, words);
    return doc;
  }

  it("two automatic versions of one reading made at once: one version", async () => {
    // Two services, as two processes would have, each sure the plan has changed since its latest.
    const other = new VersionService(store, rooms);
    versions.noteEdit(plan.id, "ann");
    other.noteEdit(plan.id, "bo");
    const made = await Promise.all([versions.makeAuto(plan, docWith("Same.")), other.makeAuto(plan, docWith("Same."))]);
    expect(made.filter((id) => id !== null)).toHaveLength(1);
    expect(await versions.list(plan.id)).toHaveLength(1);
    // Either reading is the one version: neither service has edits left to version.
    expect(versions.hasUnversionedEdits(plan.id) || other.hasUnversionedEdits(plan.id)).toBe(false);
  });

  it("lists versions newest first, with who made them, who edited, and when", async () => {
    const before = Date.now();
    versions.noteEdit(plan.id, "bo");
    versions.noteEdit(plan.id, "ann");
    const auto = await versions.makeAuto(plan, docWith("One."));
    const named = await versions.make(plan, versions.snapshot(plan, docWith("Two.")), {
      kind: "named",
      name: "Draft for the board",
      userId: "ann",
    });
    const listed = await versions.list(plan.id);
    expect(listed.map((version) => [version.id, version.kind, version.name])).toEqual([
      [named, "named", "Draft for the board"],
      [auto, "auto", null],
    ]);
    expect(listed[0]!.createdBy).toEqual({ id: "ann", name: "Ann Lee", organisation: "Swindon" });
    expect(listed[1]!.createdBy).toBeNull();
    expect(listed[1]!.contributors).toEqual([
      { id: "bo", name: "Bo Chan" },
      { id: "ann", name: "Ann Lee" },
    ]);
    expect(Date.parse(listed[1]!.createdAt)).toBeGreaterThanOrEqual(before - 1000);
    expect((await versions.content(plan.id, auto!)).sections[SECTION]!.text).toBe("One.");
    await expect(versions.find("another-plan", auto!)).rejects.toThrow("version not found");
  });

  it("a version made in a transaction that rolls back is not kept", async () => {
    const snapshot = versions.snapshot(plan, docWith("Gone."));
    await expect(
      store.transaction(async (tx) => {
        await versions.make(plan, snapshot, { kind: "named", name: "Gone" }, tx);
        throw new Error("undone");
      }),
    ).rejects.toThrow("undone");
    expect(await versions.list(plan.id)).toEqual([]);
  });

  it("thins automatic versions as they age, keeping the others", async () => {
    const { planVersions } = store.tables;
    const snapshot = versions.snapshot(plan, docWith("Old."));
    const old = [];
    for (let hour = 0; hour < 6; hour++) old.push(await versions.make(plan, snapshot, { kind: "auto" }));
    const named = await versions.make(plan, snapshot, { kind: "named", name: "Kept" });
    // Made minutes apart at noon on a day forty days ago: only the newest of that day is kept.
    const noon = new Date(Date.now() - 40 * 24 * 3_600_000);
    noon.setUTCHours(12, 0, 0, 0);
    for (const [index, id] of [...old, named].entries()) {
      await store.db
        .update(planVersions)
        .set({ createdAt: new Date(noon.getTime() + index * 60_000) })
        .where(eq(planVersions.id, id));
    }
    const latest = await versions.makeAuto(plan, docWith("New."));
    const kept = await versions.list(plan.id);
    expect(kept.map((version) => version.id)).toEqual([latest, named, old.at(-1)]);
  });

  it("names a version of the live plan, restores from it after the version it saves first, and audits both", async () => {
    await rooms.read(plan.id, (doc) => writeParagraph(doc, SECTION, "Before."));
    const named = await versions.makeNamed(plan, "ann", "Before the rewrite");
    await rooms.read(plan.id, (doc) => writeParagraph(doc, SECTION, "After."));
    const comparison = await versions.compare(plan, named, "current");
    expect(comparison.sections.find((section) => section.key === SECTION)!.changed).toBe(true);

    const beforeId = await versions.restore(plan, "bo", named, [SECTION]);
    expect(await rooms.read(plan.id, (doc) => sectionPlainText(doc, SECTION))).toBe("Before.");
    const saved = await versions.find(plan.id, beforeId);
    expect(saved.kind).toBe("restore");
    expect(saved.name).toBe("Before restoring Before the rewrite");
    expect((await versions.content(plan.id, beforeId)).sections[SECTION]!.text).toBe("Before.\nAfter.");
    const { auditEvents } = store.tables;
    const audited = await store.db
      .select({ type: auditEvents.type, detail: auditEvents.detail })
      .from(auditEvents)
      .where(eq(auditEvents.planId, plan.id))
      .orderBy(auditEvents.id);
    expect(audited).toEqual([
      { type: "version.named", detail: { versionId: named, name: "Before the rewrite" } },
      { type: "version.restored", detail: { versionId: named, sections: [SECTION], beforeVersionId: beforeId } },
    ]);
    const view = await versions.view(plan, named);
    expect(view.version.name).toBe("Before the rewrite");
    expect(view.sections.find((section) => section.key === SECTION)!.text).toBe("Before.");
  });
});
