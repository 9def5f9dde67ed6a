import { asc, eq } from "drizzle-orm";
import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sectionDataName } from "../../app/shared/doc-names";
import { addRow } from "../../app/shared/section-rows";
import type { Plan } from "../../db/schema";
import type { Store } from "../../db/store.server";
import type { SessionUser } from "../../server/auth/sessions.server";
import type { RoomRegistry } from "../../server/collab/rooms.server";
import type { NotificationInput, NotificationSink } from "../../server/notifications/notification-service.server";
import { SuggestionService } from "../../server/suggestions/suggestion-service.server";
import { TEMPLATES_DIR } from "../../server/services.server";
import { loadTemplates } from "../../server/templates/template-files.server";
import { openTestStore, STORE_KINDS, type TestStore } from "../support/stores";

const template = loadTemplates(TEMPLATES_DIR).get("single-budget-for-a-place")!;

function person(id: string): SessionUser & { passwordHash: string } {
  return {
    id,
    email: `${id}@example.org`,
    name: id,
    organisation: "Swindon",
    side: "local",
    isAdmin: false,
    passwordHash: "x",
  };
}

/** One document per plan, read and published to in place, as a loaded room would be. */
function fakeRooms(docs: Map<string, Y.Doc>) {
  const published: unknown[] = [];
  const rooms = {
    read: async <T>(planId: string, read: (doc: Y.Doc) => T) => read(docs.get(planId)!),
    publish: (_planId: string, event: unknown) => published.push(event),
  };
  return { rooms: rooms as unknown as RoomRegistry, published };
}

describe.each(STORE_KINDS)("suggestions on the %s store", (kind) => {
  let opened: TestStore;
  let store: Store;
  let service: SuggestionService;
  let plan: Plan;
  let rowId: string;
  let published: unknown[];
  const doc = new Y.Doc();
  const told: NotificationInput[][] = [];
  const ann = person("ann");
  const bob = person("bob");
  const cell = (value: string) => ({ sectionKey: "shadow-budget", rowId, field: "organisation", value });
  const organisation = () =>
    (doc.getMap(sectionDataName("shadow-budget")).get("rows") as Y.Array<Y.Map<unknown>> | undefined)
      ?.get(0)
      .get("organisation")
      ?.toString();

  beforeAll(async () => {
    opened = await openTestStore(kind);
    store = opened.store;
    const { plans, users } = store.tables;
    await store.db.insert(users).values([ann, bob]);
    [plan] = (await store.db
      .insert(plans)
      .values({ id: "p1", title: "Pooled budget", area: "Swindon", templateId: template.id, template })
      .returning()) as [Plan];
    rowId = addRow(doc, "shadow-budget", "budget", { organisation: "Swindon BC" });
    const fake = fakeRooms(new Map([[plan.id, doc]]));
    published = fake.published;
    const sink: NotificationSink = {
      notify: async (items) => {
        told.push(items);
      },
    };
    service = new SuggestionService(store, fake.rooms, sink);
  });
  afterAll(() => opened?.dispose());

  it("keeps one open cell proposal per author and cell, and counts them per plan", async () => {
    const first = await service.create(plan, bob, "editor", cell("Swindon Borough Council"));
    expect(first).toMatchObject({ created: true, suggestion: { status: "open", from: "Swindon BC" } });
    const again = await service.create(plan, bob, "editor", cell("Swindon Borough Council"));
    expect(again).toEqual({ created: false, suggestion: first.suggestion });
    const changed = await service.create(plan, bob, "editor", cell("Swindon Council"));
    expect(changed.created).toBe(true);
    const open = await service.openCells(plan);
    expect(open.map((s) => [s.id, s.to, s.author.name])).toEqual([[changed.suggestion.id, "Swindon Council", "bob"]]);
    expect(await service.openCellCounts([plan.id, "none"])).toEqual(new Map([[plan.id, 1]]));
    const withdrawn = (await service.list(plan)).find((s) => s.id === first.suggestion.id)!;
    expect(withdrawn).toMatchObject({ status: "withdrawn", decidedBy: { id: "bob", name: "bob" } });
    expect(new Date(withdrawn.decidedAt!).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(published.at(-1)).toMatchObject({ type: "cell-suggestions", suggestions: [{ id: changed.suggestion.id }] });
  });

  it("accepts into the document, audited in the decision's transaction, and tells the author", async () => {
    const [proposal] = await service.openCells(plan);
    const accepted = await service.accept(plan, ann, "owner", proposal!.id);
    expect(accepted).toMatchObject({ status: "accepted", decidedBy: { id: "ann" }, reason: null });
    expect(organisation()).toBe("Swindon Council");
    const { auditEvents } = store.tables;
    const audit = await store.db
      .select({ type: auditEvents.type, detail: auditEvents.detail })
      .from(auditEvents)
      .where(eq(auditEvents.planId, plan.id))
      .orderBy(asc(auditEvents.id));
    expect(audit.map((entry) => entry.type)).toEqual(["suggestion.withdrawn", "suggestion.accepted"]);
    expect(audit[1]!.detail).toMatchObject({ suggestionId: proposal!.id, from: "Swindon BC", to: "Swindon Council" });
    expect(told.at(-1)).toMatchObject([{ userId: "bob", type: "suggestion-decided" }]);
    await expect(service.accept(plan, ann, "owner", proposal!.id)).rejects.toThrow("already accepted");
    expect(await service.openCellCounts([plan.id])).toEqual(new Map());
  });

  it("rejects all of an author's open proposals at once, with the reason stored", async () => {
    await service.create(plan, bob, "editor", cell("Someone else"));
    const decided = await service.decideAll(plan, ann, "owner", "reject", { authorId: "bob" }, "not this year");
    expect(decided.rejected).toHaveLength(1);
    expect(decided.summary).toBe("1 rejected");
    const { suggestions } = store.tables;
    const [row] = await store.db.select().from(suggestions).where(eq(suggestions.id, decided.rejected[0]!));
    expect(row).toMatchObject({ status: "rejected", reason: "not this year", decidedBy: "ann" });
    expect(row!.decidedAt).toBeInstanceOf(Date);
    expect(organisation()).toBe("Swindon Council");
  });
});
