import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, inArray } from "drizzle-orm";
import type { Role } from "../../app/shared/permissions";
import type { PlanTemplate } from "../../app/shared/template-schema";
import type { Store } from "../../db/store.server";
import { PlanAccessService } from "../../server/plans/plan-access.server";
import { openTestStore, STORE_KINDS, type TestStore } from "../support/stores";

const DAY = 86_400_000;
const NOW = Date.parse("2026-12-01T12:00:00Z");
const TEMPLATE = {
  id: "t",
  version: 1,
  title: "T",
  description: "",
  source: "",
  sections: [],
} as unknown as PlanTemplate;

describe.each(STORE_KINDS)("plan access on the %s store", (kind) => {
  let opened: TestStore;
  let store: Store;
  let access: PlanAccessService;

  async function person(id: string, deactivated = false) {
    await store.db.insert(store.tables.users).values({
      id,
      email: `${id}@example.org`,
      name: id,
      organisation: "Swindon",
      side: "local",
      passwordHash: "x",
      deactivatedAt: deactivated ? new Date(NOW - DAY) : null,
    });
  }

  async function plan(id: string, createdAt: number) {
    await store.db.insert(store.tables.plans).values({
      id,
      title: id,
      area: "Swindon",
      templateId: "t",
      template: TEMPLATE,
      createdBy: null,
      createdAt: new Date(createdAt),
    });
  }

  async function member(planId: string, userId: string, role: Role, signsOff = false) {
    await store.db.insert(store.tables.planMembers).values({ planId, userId, role, signsOff });
  }

  async function deputyship(signatoryId: string, deputyId: string, startsAt: number, endsAt: number, ended = false) {
    await store.db.insert(store.tables.deputyships).values({
      signatoryId,
      deputyId,
      fromDate: "2026-01-01",
      untilDate: "2026-12-31",
      startsAt: new Date(startsAt),
      endsAt: new Date(endsAt),
      endedAt: ended ? new Date(NOW - DAY) : null,
    });
  }

  beforeAll(async () => {
    opened = await openTestStore(kind);
    store = opened.store;
    access = new PlanAccessService(store, () => NOW);
    for (const id of ["ann", "sig", "own", "ownsigns", "gone", "dep", "early", "late", "ended", "depdep"]) {
      await person(id, id === "gone");
    }
    await plan("older", NOW - 3 * DAY);
    await plan("newer", NOW - DAY);
    await plan("owned", NOW - 2 * DAY);
    await plan("ownedsigning", NOW - 2 * DAY);
    await plan("gonesigns", NOW - 2 * DAY);
    await member("older", "ann", "editor");
    await member("newer", "ann", "owner");
    await member("older", "sig", "signatory");
    await member("owned", "own", "owner", false);
    await member("ownedsigning", "ownsigns", "owner", true);
    await member("gonesigns", "gone", "signatory");
    // Running now: the deputy reads where the signatory signs off.
    for (const signatory of ["sig", "own", "ownsigns", "gone"])
      await deputyship(signatory, "dep", NOW - DAY, NOW + DAY);
    await deputyship("sig", "early", NOW + 1, NOW + DAY);
    await deputyship("sig", "late", NOW - DAY, NOW);
    await deputyship("sig", "ended", NOW - DAY, NOW + DAY, true);
    // A deputy's deputy gets only the deputy's own plans (none).
    await deputyship("dep", "depdep", NOW - DAY, NOW + DAY);
  });
  afterAll(() => opened?.dispose());

  it("lists a member's plans newest first with their role", async () => {
    const listed = await access.listForUser("ann");
    expect(listed.map(({ id, role, standsInFor }) => ({ id, role, standsInFor }))).toEqual([
      { id: "newer", role: "owner", standsInFor: [] },
      { id: "older", role: "editor", standsInFor: [] },
    ]);
    expect(listed[0]!.createdAt).toEqual(new Date(NOW - DAY));
  });

  it("lets a deputy read only where a running deputyship's active signatory signs off", async () => {
    expect((await access.listForUser("dep")).map((plan) => plan.id).sort()).toEqual(["older", "ownedsigning"]);
    const through = await access.find("older", "dep");
    expect(through).toMatchObject({ role: "viewer", member: false, signsOff: false });
    expect(through!.standsInFor.map((person) => person.id)).toEqual(["sig"]);
    expect(await access.find("owned", "dep")).toBeNull();
    expect(await access.find("gonesigns", "dep")).toBeNull();
  });

  it("counts a deputyship from its start up to, not at, its end, and never once ended", async () => {
    for (const who of ["early", "late", "ended", "depdep"]) {
      expect(await access.listForUser(who)).toEqual([]);
      expect(await access.mayRead({ id: who }, "older")).toBe(false);
    }
  });

  it("gives the same readable ids inside a bigger query, and every plan to an administrator", async () => {
    const { plans } = store.tables;
    const readable = await store.db
      .select({ id: plans.id })
      .from(plans)
      .where(inArray(plans.id, access.readablePlanIds("dep")))
      .orderBy(plans.id);
    expect(readable.map((row) => row.id)).toEqual(["older", "ownedsigning"]);
    expect((await access.visiblePlans({ id: "ann" })).map((plan) => plan.id)).toEqual(["older", "newer"]);
    expect(await access.visiblePlans({ id: "x", isAdmin: true })).toHaveLength(5);
    expect((await access.visiblePlan({ id: "x", isAdmin: true }, "owned"))?.id).toBe("owned");
    expect(await access.visiblePlan({ id: "ann" }, "owned")).toBeUndefined();
  });

  it("names who stands in for whom, and a signatory's deputies now", async () => {
    const standIns = await access.standIns("older");
    expect(standIns.map((standIn) => [standIn.deputy.id, standIn.signatory.id])).toEqual([["dep", "sig"]]);
    expect(await access.deputiesOf("sig")).toEqual(["dep"]);
    expect(await access.deputiesOf("ann")).toEqual([]);
  });

  it("follows an owner made a signatory, a boolean compared as each store holds it", async () => {
    const { planMembers } = store.tables;
    await store.db.update(planMembers).set({ signsOff: true }).where(eq(planMembers.userId, "own"));
    expect((await access.find("owned", "dep"))?.standsInFor.map((person) => person.id)).toEqual(["own"]);
    await store.db.update(planMembers).set({ signsOff: false }).where(eq(planMembers.userId, "own"));
    expect(await access.find("owned", "dep")).toBeNull();
  });
});
