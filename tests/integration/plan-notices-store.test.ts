import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addRow } from "../../app/shared/section-rows";
import type { Store } from "../../db/store.server";
import type { RoomRegistry } from "../../server/collab/rooms.server";
import type { NotificationInput } from "../../server/notifications/notification-service.server";
import { PlanNotices } from "../../server/notifications/plan-notices.server";
import { TEMPLATES_DIR } from "../../server/services.server";
import type { SignoffWorkflow } from "../../server/signoffs/signoff-workflow.server";
import { loadTemplates } from "../../server/templates/template-files.server";
import { openTestStore, STORE_KINDS, type TestStore } from "../support/stores";

const template = loadTemplates(TEMPLATES_DIR).get("single-budget-for-a-place")!;

function person(id: string, name: string) {
  return { id, email: `${id}@example.org`, name, organisation: "Swindon", side: "local" as const, passwordHash: "x" };
}

describe.each(STORE_KINDS)("the daily milestone check on the %s store", (kind) => {
  let opened: TestStore;
  let store: Store;
  const docs = new Map<string, Y.Doc>();

  beforeAll(async () => {
    opened = await openTestStore(kind);
    store = opened.store;
    const { plans, planMembers, users } = store.tables;
    await store.db.insert(users).values([person("ann", "Ann Lee"), person("bob", "Bob Day")]);
    for (const id of ["p1", "p2"]) {
      await store.db
        .insert(plans)
        .values({ id, title: `Plan ${id}`, area: "Swindon", templateId: template.id, template });
      docs.set(id, new Y.Doc());
    }
    await store.db.insert(planMembers).values([
      { planId: "p1", userId: "ann", role: "owner" },
      { planId: "p2", userId: "bob", role: "editor" },
    ]);
    addRow(docs.get("p1")!, "timescales", "milestones", {
      milestone: "Board agreed",
      owner: " ann lee ",
      due: "2026-03-05",
    });
    addRow(docs.get("p1")!, "timescales", "milestones", { milestone: "Far off", owner: "Ann Lee", due: "2026-09-01" });
    // Bob is not a member of p1: a milestone of his name there tells no one.
    addRow(docs.get("p1")!, "timescales", "milestones", { milestone: "Not his", owner: "Bob Day", due: "2026-03-02" });
    addRow(docs.get("p2")!, "timescales", "milestones", { milestone: "Late", owner: "Bob Day", due: "2026-02-20" });
  });
  afterAll(() => opened?.dispose());

  it("tells each member owning a milestone due within a week or overdue, once per due date", async () => {
    const told: NotificationInput[] = [];
    const rooms = { read: async <T>(planId: string, read: (doc: Y.Doc) => T) => read(docs.get(planId)!) };
    const notices = new PlanNotices(store, rooms as unknown as RoomRegistry, {} as SignoffWorkflow, {
      notify: async (items) => {
        told.push(...items);
      },
    });
    expect(await notices.checkMilestones(new Date(Date.UTC(2026, 2, 1, 15)))).toBe(2);
    expect(told.map((n) => [n.userId, n.planId, n.text]).sort()).toEqual([
      ["ann", "p1", "“Board agreed” in Plan p1 is due in 4 days (2026-03-05)"],
      ["bob", "p2", "“Late” in Plan p2 was due on 2026-02-20 and is not done"],
    ]);
  });
});
