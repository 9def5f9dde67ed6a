import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as Y from "yjs";
import type { Refusal } from "../../app/shared/errors";
import { initialiseStructuredSections } from "../../app/shared/section-rows";
import type { Plan } from "../../db/schema";
import type { Store } from "../../db/store.server";
import type { SessionUser } from "../../server/auth/sessions.server";
import type { RoomRegistry } from "../../server/collab/rooms.server";
import { recordAudit } from "../../server/plans/audit.server";
import { TEMPLATES_DIR } from "../../server/services.server";
import type { SignerCheck } from "../../server/signoffs/signer-check.server";
import { SignoffService } from "../../server/signoffs/signoff-service.server";
import { SignoffWorkflow } from "../../server/signoffs/signoff-workflow.server";
import { currentRecords, sectionHistoryRecords, signoffViewAt } from "../../server/signoffs/signoff-records.server";
import { endOpenRequest, freshSides, planWorkflow } from "../../server/signoffs/signoff-workflow-records.server";
import { SideAlreadySigned, SignoffWrites, type NewSignoff } from "../../server/signoffs/signoff-writes.server";
import { loadTemplates } from "../../server/templates/template-files.server";
import { VersionService } from "../../server/versions/version-service.server";
import { memoryRooms, writeParagraph } from "../support/memory-rooms";
import { openTestStore, STORE_KINDS, type TestStore } from "../support/stores";

const SECTION = "governance";
const OTHER_SECTION = "outcomes";

describe.each(STORE_KINDS)("sign-off records on the %s store", (kind) => {
  let opened: TestStore;
  let store: Store;
  let plan: Plan;
  let writes: SignoffWrites;
  let planCount = 0;

  beforeAll(async () => {
    opened = await openTestStore(kind);
    store = opened.store;
    writes = new SignoffWrites(store);
    const person = (id: string, name: string, side: "local" | "whitehall") => ({
      id,
      email: `${id}@example.org`,
      name,
      organisation: "Swindon",
      side,
      passwordHash: "x",
    });
    await store.db
      .insert(store.tables.users)
      .values([
        person("ann", "Ann Lee", "local"),
        person("bo", "Bo Chan", "local"),
        person("cy", "Cy Day", "whitehall"),
      ]);
  });
  afterAll(() => opened?.dispose());

  beforeEach(async () => {
    const template = loadTemplates(TEMPLATES_DIR).get("single-budget-for-a-place")!;
    [plan] = (await store.db
      .insert(store.tables.plans)
      .values({ id: `plan-${++planCount}`, title: "T", area: "A", templateId: template.id, template })
      .returning()) as [Plan];
  });

  const signing = (userId: string, contentHash: string, side: "local" | "whitehall" = "local"): NewSignoff => ({
    planId: plan.id,
    sectionKey: SECTION,
    side,
    userId,
    onBehalfOf: null,
    contentHash,
    sectionState: Buffer.from([1, 2, 3]),
    meaning: "I approve",
  });

  const auditTypes = async () => {
    const { auditEvents } = store.tables;
    const rows = await store.db
      .select({ type: auditEvents.type })
      .from(auditEvents)
      .where(eq(auditEvents.planId, plan.id))
      .orderBy(asc(auditEvents.id));
    return rows.map((row) => row.type);
  };

  it("two sign-offs of one side of one section at once: one record, with its version and audit; the other is refused", async () => {
    const versions = new VersionService(store, {} as RoomRegistry);
    const doc = new Y.Doc();
    initialiseStructuredSections(doc, plan.template);
    const snapshot = versions.snapshot(plan, doc);
    const sign = (userId: string) =>
      writes.sign(signing(userId, "hash-a"), async (tx, id) => {
        const versionId = await versions.make(plan, snapshot, { kind: "signoff", userId, signoffId: id }, tx);
        await recordAudit(store, { planId: plan.id, userId, type: "signoff.signed", detail: { id, versionId } }, tx);
        return versionId;
      });
    const outcomes = await Promise.allSettled([sign("ann"), sign("bo")]);
    const signed = outcomes.filter((outcome) => outcome.status === "fulfilled");
    const refused = outcomes.filter((outcome) => outcome.status === "rejected");
    expect(signed).toHaveLength(1);
    expect(refused).toHaveLength(1);
    const reason = (refused[0] as PromiseRejectedResult).reason as unknown;
    expect(reason).toBeInstanceOf(SideAlreadySigned);

    const records = await currentRecords(store.db, store.tables, plan.id);
    expect(records).toHaveLength(1);
    // The refusal names who holds the side: the one whose sign-off stands.
    expect((reason as SideAlreadySigned).signedBy).toBe(records[0]!.signedBy.id);
    const { planVersions } = store.tables;
    const pinned = await store.db
      .select({ signoffId: planVersions.signoffId })
      .from(planVersions)
      .where(eq(planVersions.planId, plan.id));
    expect(pinned).toEqual([{ signoffId: records[0]!.id }]);
    expect(await auditTypes()).toEqual(["signoff.signed"]);
  });

  it("a refused sign-off writes nothing it was to write alongside", async () => {
    await writes.sign(signing("ann", "hash-a"), async () => undefined);
    await expect(
      writes.sign(signing("bo", "hash-a"), async (tx) => {
        await recordAudit(store, { planId: plan.id, userId: "bo", type: "signoff.signed" }, tx);
      }),
    ).rejects.toBeInstanceOf(SideAlreadySigned);
    expect(await auditTypes()).toEqual([]);
  });

  it("re-signing a stale or changed section supersedes its record, which stays in the history, newest first", async () => {
    const first = await writes.sign(signing("ann", "hash-a"), async () => undefined);
    expect(first.supersedes).toBeNull();
    const other = await writes.sign(signing("cy", "hash-a", "whitehall"), async () => undefined);
    const second = await writes.sign(signing("bo", "hash-b"), async () => undefined);
    expect(second.supersedes).toBe(first.id);

    const current = await currentRecords(store.db, store.tables, plan.id);
    expect(current.map((record) => [record.id, record.signedBy.name, record.staleAt])).toEqual([
      [other.id, "Cy Day", null],
      [second.id, "Bo Chan", null],
    ]);
    expect(current[0]!.signedAt).toBeInstanceOf(Date);
    const history = await sectionHistoryRecords(store.db, store.tables, plan.id, SECTION);
    expect(history.map((record) => [record.id, record.revokedBy?.name ?? null])).toEqual([
      [second.id, null],
      [other.id, null],
      [first.id, "Bo Chan"],
    ]);
    expect(Buffer.from(history[0]!.sectionState)).toEqual(Buffer.from([1, 2, 3]));
    expect(history[2]!.revokedAt).toBeInstanceOf(Date);
  });

  it("marks stale only records still current and fresh, auditing each turn once even when two checks race", async () => {
    const { id } = await writes.sign(signing("ann", "hash-a"), async () => undefined);
    const audited: number[] = [];
    const mark = () =>
      writes.markStale(plan.id, [{ id, staleBy: "bo" }], [], async (tx, turned) => {
        audited.push(turned);
        await recordAudit(store, { planId: plan.id, userId: "bo", type: "signoff.stale" }, tx);
      });
    const [a, b] = await Promise.all([mark(), mark()]);
    expect([...a, ...b]).toEqual([id]);
    expect(audited).toEqual([id]);
    const [record] = await currentRecords(store.db, store.tables, plan.id);
    expect(record!.staleAt).toBeInstanceOf(Date);
    expect(record!.staleBy?.name).toBe("Bo Chan");
    expect(await auditTypes()).toEqual(["signoff.stale"]);

    // A stale record of the same wording is superseded when signed again.
    const again = await writes.sign(signing("ann", "hash-a"), async () => undefined);
    expect(again.supersedes).toBe(id);
  });

  it("revokes the user's current sign-offs once: a second revoke finds none", async () => {
    await writes.sign(signing("ann", "hash-a"), async () => undefined);
    const revoked = await writes.revoke(plan.id, SECTION, "ann");
    expect(revoked.map((record) => record.side)).toEqual(["local"]);
    expect(await writes.revoke(plan.id, SECTION, "ann")).toEqual([]);
    expect(await currentRecords(store.db, store.tables, plan.id)).toEqual([]);
    expect(await auditTypes()).toEqual(["signoff.revoked"]);
  });

  it("shows the sign-offs of a past moment: those made by then, fresh unless stale by then", async () => {
    const { id } = await writes.sign(signing("ann", "hash-a"), async () => undefined);
    const afterSigning = new Date(Date.now() + 1000);
    const beforeSigning = new Date(Date.now() - 60_000);
    // Stale an hour after the moment shown: at that moment it was still fresh.
    await store.db
      .update(store.tables.signoffs)
      .set({ staleAt: new Date(Date.now() + 3_600_000), staleBy: "bo" })
      .where(eq(store.tables.signoffs.id, id));
    const then = await signoffViewAt(store.db, store.tables, plan, afterSigning, { [SECTION]: "hash-a" });
    expect(then.sections[SECTION]!.records.map((record) => [record.id, record.fresh])).toEqual([[id, true]]);
    const before = await signoffViewAt(store.db, store.tables, plan, beforeSigning, { [SECTION]: "hash-a" });
    expect(before.sections[SECTION]!.records).toEqual([]);
  });

  it("ends a request once every side it asked has a fresh sign-off of the wording", async () => {
    const { signoffRequests } = store.tables;
    await store.db
      .insert(signoffRequests)
      .values({ planId: plan.id, sectionKey: SECTION, requestedBy: "cy", sides: ["local", "whitehall"] });
    await writes.sign(signing("ann", "hash-a"), async () => undefined);
    const open = async () =>
      store.db
        .select({ id: signoffRequests.id, sides: signoffRequests.sides })
        .from(signoffRequests)
        .where(and(eq(signoffRequests.planId, plan.id), isNull(signoffRequests.endedAt)));
    expect((await open()).map((request) => request.sides)).toEqual([["local", "whitehall"]]);
    expect((await planWorkflow(store.db, store.tables, plan.id)).get(SECTION)?.request?.by.name).toBe("Cy Day");
    await writes.sign(signing("cy", "hash-a", "whitehall"), async () => undefined);
    expect(await open()).toEqual([]);
    expect([...(await freshSides(store.db, store.tables, plan.id, SECTION, "hash-a"))].sort()).toEqual([
      "local",
      "whitehall",
    ]);
    expect(await freshSides(store.db, store.tables, plan.id, SECTION, "hash-b")).toEqual(new Set());
    expect(await endOpenRequest(store.db, store.tables, plan.id, SECTION)).toBeNull();
  });
});

describe.each(STORE_KINDS)("signing through the service on the %s store", (kind) => {
  let opened: TestStore;
  let store: Store;
  let plan: Plan;
  let rooms: RoomRegistry;
  let signoffs: SignoffService;
  /** An edit made after the section was read for a sign-off and before the sign-off is written. */
  let editWhileWriting: (() => void) | null = null;

  const person = (id: string, name: string): SessionUser => ({
    id,
    email: `${id}@example.org`,
    name,
    organisation: "Swindon",
    side: "local",
    isAdmin: false,
  });
  const ann = person("ann", "Ann Lee");
  const bo = person("bo", "Bo Chan");

  beforeAll(async () => {
    opened = await openTestStore(kind);
    store = opened.store;
    await store.db.insert(store.tables.users).values([ann, bo].map((user) => ({ ...user, passwordHash: "x" })));
    const template = loadTemplates(TEMPLATES_DIR).get("single-budget-for-a-place")!;
    [plan] = (await store.db
      .insert(store.tables.plans)
      .values({ id: "plan-1", title: "T", area: "A", templateId: template.id, template })
      .returning()) as [Plan];
    rooms = memoryRooms(new Map([[plan.id, plan]]));
    const versions = new VersionService(store, rooms);
    const signer = { confirm: async () => undefined } as unknown as SignerCheck;
    signoffs = new SignoffService(store, rooms, signer, undefined, {
      capture: (plan, doc) => versions.snapshot(plan, doc),
      pin: async (tx, plan, snapshot, userId, signoffId, name) => {
        editWhileWriting?.();
        return versions.make(plan, snapshot, { kind: "signoff", name, userId, signoffId }, tx);
      },
    });
    await rooms.read(plan.id, (doc) => writeParagraph(doc, SECTION, "We pool the budgets."));
  });
  afterAll(async () => {
    await rooms?.closeAll();
    await opened?.dispose();
  });

  it("two requests for one section's sign-off at once: one stays open, having replaced the other", async () => {
    const workflow = new SignoffWorkflow(store, rooms, signoffs, { notify: async () => undefined });
    const owner = { id: "ann", name: "Ann Lee" };
    const ask = (message: string) => workflow.request(plan, owner, "owner", OTHER_SECTION, { message });
    await Promise.all([ask("first"), ask("second")]);
    const { signoffRequests } = store.tables;
    const requests = await store.db
      .select({ message: signoffRequests.message, endedAt: signoffRequests.endedAt })
      .from(signoffRequests)
      .where(eq(signoffRequests.sectionKey, OTHER_SECTION))
      .orderBy(signoffRequests.id);
    expect(requests.map((request) => request.endedAt === null)).toEqual([false, true]);
    const view = await signoffs.current(plan);
    expect(view.sections[OTHER_SECTION]!.request?.message).toBe(requests[1]!.message);
  });

  it("two signatories of one side sign one section at once: one record and its version; the other is told who signed", async () => {
    const section = plan.template.sections.find((candidate) => candidate.key === SECTION)!;
    const { contentHash } = await rooms.read(plan.id, (doc) => signoffs.readSection(plan.id, doc, section));
    const access = { role: "signatory" as const, signsOff: true };
    const sign = (user: SessionUser) =>
      signoffs.sign(plan, user, access, SECTION, { contentHash, password: "pw" }, "127.0.0.1");
    const outcomes = await Promise.allSettled([sign(ann), sign(bo)]);
    const signed = outcomes.flatMap((outcome) => (outcome.status === "fulfilled" ? [outcome.value] : []));
    const refused = outcomes.flatMap((outcome) => (outcome.status === "rejected" ? [outcome.reason as Refusal] : []));
    expect(signed).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.kind).toBe("conflict");
    expect(refused[0]!.message).toBe(
      `"${section.title}" is already signed off for the local side by ${signed[0]!.signedBy.name}`,
    );

    const view = await signoffs.current(plan);
    expect(view.sections[SECTION]!.records.map((record) => [record.id, record.fresh])).toEqual([[signed[0]!.id, true]]);
    const { planVersions, auditEvents } = store.tables;
    expect(
      await store.db.select({ signoffId: planVersions.signoffId, kind: planVersions.kind }).from(planVersions),
    ).toEqual([{ signoffId: signed[0]!.id, kind: "signoff" }]);
    // What signing and marking stale audit (the requests asked in this plan aside).
    const audited = () =>
      store.db
        .select({ type: auditEvents.type })
        .from(auditEvents)
        .where(inArray(auditEvents.type, ["signoff.signed", "signoff.stale"]))
        .orderBy(auditEvents.id);
    expect(await audited()).toEqual([{ type: "signoff.signed" }]);

    // An edit turns it stale, naming who made it, audited once; no fresh record is left to watch.
    await rooms.read(plan.id, (doc) => writeParagraph(doc, SECTION, "And share the savings."));
    const doc = await rooms.read(plan.id, (doc) => doc);
    await signoffs.markStaleIfChanged(plan.id, doc, new Map([[SECTION, "bo"]]));
    const stale = await signoffs.current(plan);
    expect(stale.sections[SECTION]!.state).toBe("stale");
    expect(stale.sections[SECTION]!.records[0]!.staleBy?.name).toBe("Bo Chan");
    await signoffs.markStaleIfChanged(plan.id, doc, new Map([[SECTION, "bo"]]));
    expect(await audited()).toEqual([{ type: "signoff.signed" }, { type: "signoff.stale" }]);
    expect(await signoffs.watchedSections(plan.id)).toEqual(new Set());
  });

  it("a sign-off whose section is edited between its reading and its writing is stale once made", async () => {
    const section = plan.template.sections.find((candidate) => candidate.key === OTHER_SECTION)!;
    const doc = await rooms.read(plan.id, (doc) => {
      writeParagraph(doc, OTHER_SECTION, "Outcomes we share.");
      return doc;
    });
    const { contentHash } = await rooms.read(plan.id, (doc) => signoffs.readSection(plan.id, doc, section));
    editWhileWriting = () => writeParagraph(doc, OTHER_SECTION, "And one more.");
    try {
      const record = await signoffs.sign(
        plan,
        ann,
        { role: "signatory", signsOff: true },
        OTHER_SECTION,
        { contentHash, password: "pw" },
        "127.0.0.1",
      );
      expect(record.contentHash).toBe(contentHash);
      expect(record.fresh).toBe(false);
      expect(record.staleAt).not.toBeNull();
    } finally {
      editWhileWriting = null;
    }
  });
});
