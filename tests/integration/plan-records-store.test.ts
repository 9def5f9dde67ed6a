import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asc, eq, sql } from "drizzle-orm";
import type { SqliteStore, Store } from "../../db/store.server";
import {
  recordAudit,
  planActivity,
  planAuditFacets,
  planAuditHead,
  planAuditLog,
  planChainStatus,
} from "../../server/plans/audit.server";
import { verifyStoreChains } from "../../server/plans/audit-chain.server";
import { MemberService } from "../../server/plans/members.server";
import { PlanListService } from "../../server/plans/plan-list.server";
import { PlanService } from "../../server/plans/plan-service.server";
import type { PlanAccessService } from "../../server/plans/plan-access.server";
import type { RoomRegistry } from "../../server/collab/rooms.server";
import type { SignoffService } from "../../server/signoffs/signoff-service.server";
import type { TemplateCatalog } from "../../server/templates/template-catalog.server";
import { loadTemplates } from "../../server/templates/template-files.server";
import { TEMPLATES_DIR } from "../../server/services.server";
import { openTestStore, STORE_KINDS, type TestStore } from "../support/stores";

const template = loadTemplates(TEMPLATES_DIR).get("single-budget-for-a-place")!;
const templates = { find: () => template } as unknown as TemplateCatalog;

describe.each(STORE_KINDS)("plans, members and the audit log on the %s store", (kind) => {
  let opened: TestStore;
  let store: Store;
  let plans: PlanService;
  let members: MemberService;
  const accessChanges: [string, string, string | null][] = [];

  async function person(id: string) {
    await store.db.insert(store.tables.users).values({
      id,
      email: `${id}@example.org`,
      name: id.toUpperCase(),
      organisation: "Swindon",
      side: "local",
      passwordHash: "x",
    });
  }

  beforeAll(async () => {
    opened = await openTestStore(kind);
    store = opened.store;
    plans = new PlanService(store, {} as RoomRegistry, templates, {} as SignoffService);
    members = new MemberService(store, (planId, userId, role) => accessChanges.push([planId, userId, role]));
    for (const id of ["ann", "bob", "cat", "dan"]) await person(id);
  });
  afterAll(() => opened?.dispose());

  it("creates a plan with its owner, its audit entry and its first document state together", async () => {
    const { planMembers, planUpdates } = store.tables;
    const plan = await plans.create("ann", { templateId: template.id, title: "Swindon", area: "Swindon" });
    expect(plan).toMatchObject({ title: "Swindon", createdBy: "ann", template: { id: template.id } });
    expect(plan.createdAt).toBeInstanceOf(Date);
    expect(await store.db.select().from(planMembers).where(eq(planMembers.planId, plan.id))).toMatchObject([
      { userId: "ann", role: "owner", signsOff: false },
    ]);
    const [first] = await store.db.select().from(planUpdates).where(eq(planUpdates.planId, plan.id));
    expect(Buffer.isBuffer(first!.update)).toBe(true);
    expect((await planAuditLog(store, plan.id)).map((entry) => entry.type)).toEqual(["plan.created"]);
  });

  it("stores no plan when its creation fails part-way", async () => {
    const { plans: planRows } = store.tables;
    const before = await store.db.select({ id: planRows.id }).from(planRows);
    // An owner who does not exist: the member row's reference refuses it after the plan's insert.
    await expect(
      plans.create("nobody", { templateId: template.id, title: "Ghost", area: "Nowhere" }),
    ).rejects.toThrow();
    expect(await store.db.select({ id: planRows.id }).from(planRows)).toEqual(before);
  });

  it("adds a person once when two add them at once, and audits the one that did", async () => {
    const plan = await plans.create("ann", { templateId: template.id, title: "Two adds", area: "A" });
    const results = await Promise.allSettled([
      members.add("ann", plan.id, { email: "bob@example.org", role: "editor" }),
      members.add("ann", plan.id, { email: "BOB@example.org ", role: "viewer" }),
    ]);
    expect(results.map((result) => result.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect((results.find((result) => result.status === "rejected") as PromiseRejectedResult).reason.message).toMatch(
      /already a member/,
    );
    expect((await members.list(plan.id)).map((member) => member.userId)).toEqual(["ann", "bob"]);
    expect((await planAuditLog(store, plan.id, { type: "member.added" })).length).toBe(1);
  });

  it("never removes the last two owners when both are taken away at once", async () => {
    const plan = await plans.create("ann", { templateId: template.id, title: "Owners", area: "B" });
    await members.add("ann", plan.id, { email: "cat@example.org", role: "owner" });
    const results = await Promise.allSettled([
      members.remove("ann", plan.id, "cat"),
      members.changeRole("cat", plan.id, "ann", "viewer"),
    ]);
    expect(results.filter((result) => result.status === "rejected")).toHaveLength(1);
    const owners = (await members.list(plan.id)).filter((member) => member.role === "owner");
    expect(owners).toHaveLength(1);
  });

  it("makes an owner a signatory and back, read back as a boolean", async () => {
    const plan = await plans.create("ann", { templateId: template.id, title: "Signs", area: "C" });
    await members.change("ann", plan.id, "ann", { signsOff: true });
    expect((await members.list(plan.id))[0]).toMatchObject({ userId: "ann", signsOff: true });
    await members.setSignsOff("ann", plan.id, "ann", false);
    expect((await members.list(plan.id))[0]).toMatchObject({ signsOff: false });
    await expect(members.remove("ann", plan.id, "ann")).rejects.toThrow(/last owner/);
    expect(accessChanges.filter(([planId]) => planId === plan.id)).toEqual([
      [plan.id, "ann", "owner"],
      [plan.id, "ann", "owner"],
    ]);
  });

  it("renames, archives and deletes a plan, keeping its audit log", async () => {
    const access = { listForUser: async () => [] } as unknown as PlanAccessService;
    const discarded: string[] = [];
    const list = new PlanListService(
      store,
      { discard: (id: string) => discarded.push(id) } as unknown as RoomRegistry,
      access,
      {} as SignoffService,
    );
    const { planListStates, plans: planRows } = store.tables;
    const plan = await plans.create("ann", { templateId: template.id, title: "Old", area: "D" });
    await list.change(plan, "ann", { title: "New", archived: true });
    await list.change(plan, "ann", { archived: false });
    await list.recordEdit(plan.id, new Date(1_800_000_000_000));
    await list.recordEdit(plan.id, new Date(1_800_000_000_500));
    const [state] = await store.db.select().from(planListStates).where(eq(planListStates.planId, plan.id));
    expect(state).toMatchObject({ archivedAt: null, editedAt: new Date(1_800_000_000_500) });
    expect((await store.db.select().from(planRows).where(eq(planRows.id, plan.id)))[0]?.title).toBe("New");
    await list.remove(plan, "ann");
    expect(await store.db.select().from(planRows).where(eq(planRows.id, plan.id))).toEqual([]);
    expect(discarded).toEqual([plan.id]);
    expect((await planAuditLog(store, plan.id)).map((entry) => entry.type)).toEqual([
      "plan.deleted",
      "plan.changed",
      "plan.changed",
      "plan.created",
    ]);
  });

  it("reads the log newest first with filters, its facets, its sentences and its head", async () => {
    const plan = await plans.create("ann", { templateId: template.id, title: "Log", area: "E" });
    await members.add("ann", plan.id, { email: "dan@example.org", role: "editor" });
    await recordAudit(store, {
      planId: plan.id,
      userId: "dan",
      type: "plan.exported",
      detail: { format: "pdf", flag: true },
    });
    const log = await planAuditLog(store, plan.id);
    expect(log.map((entry) => [entry.type, entry.actor?.id])).toEqual([
      ["plan.exported", "dan"],
      ["member.added", "ann"],
      ["plan.created", "ann"],
    ]);
    expect(log[0]!.detail).toEqual({ flag: true, format: "pdf" });
    expect(log[0]!.at).toBeInstanceOf(Date);
    expect(log[1]!.prevHash).toBe(log[2]!.hash);
    expect(await planAuditLog(store, plan.id, { userId: "dan" })).toHaveLength(1);
    expect(await planAuditLog(store, plan.id, { limit: 2 })).toHaveLength(2);
    expect(await planAuditFacets(store, plan.id)).toEqual({
      people: [
        { id: "ann", name: "ANN" },
        { id: "dan", name: "DAN" },
      ],
      types: ["member.added", "plan.created", "plan.exported"],
    });
    const activity = await planActivity(store, plan, { type: "member.added" });
    expect(activity).toHaveLength(1);
    expect(activity[0]!.sentence).toContain("DAN");
    expect(await planAuditHead(store, plan.id)).toEqual({ id: log[0]!.id, at: log[0]!.at, hash: log[0]!.hash });
    expect(await planAuditHead(store, "no-such-plan")).toBeNull();
  });

  it("finds a plan's chain whole, and names the entry whose detail was changed afterwards", async () => {
    const { auditEvents } = store.tables;
    const plan = await plans.create("ann", { templateId: template.id, title: "Chain", area: "F" });
    for (let i = 0; i < 3; i++) {
      await recordAudit(store, {
        planId: plan.id,
        userId: "ann",
        type: "test.entry",
        detail: { i, at: new Date(i), b: [1.5, "x"] },
      });
    }
    await recordAudit(store, { type: "instance.entry", detail: { n: 1 } });
    const status = await planChainStatus(store, plan.id);
    const everyChain = await verifyStoreChains(store);
    expect(everyChain.broken).toBeNull();
    expect(everyChain.heads[0]).toMatchObject({ planId: null, entries: 1 });
    expect(everyChain.heads.at(-1)).toMatchObject({ planId: plan.id, entries: 4 });
    expect(status).toMatchObject({ entries: 4, broken: null, head: { planId: plan.id, entries: 4 } });
    const [second] = await store.db
      .select({ id: auditEvents.id })
      .from(auditEvents)
      .where(eq(auditEvents.planId, plan.id))
      .orderBy(asc(auditEvents.id))
      .offset(2)
      .limit(1);
    // The log's guards refuse any change; a tamperer with the database's owner lifts them.
    if (kind === "postgres") {
      await store.rows(store.db, sql`alter table audit_events disable trigger audit_events_guard`);
    } else {
      (store as SqliteStore).sync.$client.exec("DROP TRIGGER audit_events_no_update");
    }
    await store.db
      .update(auditEvents)
      .set({ detail: { i: 99 } })
      .where(eq(auditEvents.id, second!.id));
    const broken = await planChainStatus(store, plan.id);
    expect(broken.broken).toMatchObject({ id: second!.id, planId: plan.id, type: "test.entry" });
    expect(broken.broken!.problem).toMatch(/changed after it was written/);
    expect((await verifyStoreChains(store)).broken?.id).toBe(second!.id);
  });
});
