import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlanTemplate } from "../../app/shared/template-schema";
import type { PlanSignoffView } from "../../app/shared/plan-events";
import type { Store } from "../../db/store.server";
import { recordAudit } from "../../server/plans/audit.server";
import { signoffEvidence, type EvidenceRecord } from "../../server/seal/signoff-evidence.server";
import { recordMismatch } from "../../server/seal/verify-pdf.server";
import { openTestStore, STORE_KINDS, type TestStore } from "../support/stores";

const TEMPLATE = {
  id: "t",
  version: 1,
  title: "T",
  description: "",
  source: "",
  sections: [{ key: "vision", title: "Vision", kind: "text", guidance: "", signoff: ["local"] }],
} as unknown as PlanTemplate;
const SIGNED_AT = new Date("2026-11-02T09:30:00.123Z");

describe.each(STORE_KINDS)("sign-off records of exports on the %s store", (kind) => {
  let opened: TestStore;
  let store: Store;
  const ids: Record<string, number> = {};

  async function signoff(name: string, changes: { revokedAt?: Date; staleAt?: Date; meaning?: string } = {}) {
    const [row] = await store.db
      .insert(store.tables.signoffs)
      .values({
        planId: "p",
        sectionKey: "vision",
        side: "local",
        userId: "ann",
        signedAt: SIGNED_AT,
        contentHash: `hash-${name}`,
        sectionState: Buffer.from([1, 2, 3]),
        revokedAt: changes.revokedAt ?? null,
        revokedBy: changes.revokedAt ? "bob" : null,
        staleAt: changes.staleAt ?? null,
        meaning: changes.meaning ?? null,
        method: changes.meaning ? "password" : null,
      })
      .returning({ id: store.tables.signoffs.id });
    ids[name] = row!.id;
  }

  function stated(name: string, changes: Partial<EvidenceRecord> = {}): EvidenceRecord {
    return {
      id: ids[name]!,
      planId: "p",
      sectionKey: "vision",
      sectionTitle: "Vision",
      side: "local",
      signedBy: { id: "ann", name: "Ann", organisation: "Swindon" },
      signedAt: SIGNED_AT.toISOString(),
      contentHash: `hash-${name}`,
      freshAtExport: true,
      ...changes,
    };
  }

  beforeAll(async () => {
    opened = await openTestStore(kind);
    store = opened.store;
    const { users, plans } = store.tables;
    for (const [id, name] of [
      ["ann", "Ann"],
      ["bob", "Bob"],
    ]) {
      await store.db.insert(users).values({
        id: id!,
        email: `${id}@example.org`,
        name: name!,
        organisation: "Swindon",
        side: "local",
        passwordHash: "x",
      });
    }
    await store.db
      .insert(plans)
      .values({ id: "p", title: "Plan", area: "Swindon", templateId: "t", template: TEMPLATE });
    await signoff("stale", { revokedAt: new Date("2026-11-03T10:00:00Z"), staleAt: new Date("2026-11-03T09:00:00Z") });
    await signoff("revoked", { revokedAt: new Date("2026-11-04T10:00:00Z") });
    await signoff("current", { meaning: "I, Ann, approve this section" });
    // Another record's entry, with a number that is not the stale one's: only `supersedes` counts.
    await recordAudit(store, {
      planId: "p",
      userId: "ann",
      type: "signoff.signed",
      detail: { signoffId: ids.revoked },
    });
    await recordAudit(store, {
      planId: "p",
      userId: "ann",
      type: "signoff.signed",
      detail: { signoffId: ids.current, supersedes: ids.stale },
    });
  });
  afterAll(() => opened?.dispose());

  it("finds a record as stated, and what differs when it is not", async () => {
    expect(await recordMismatch(store, stated("current"))).toBeNull();
    expect(
      await recordMismatch(store, stated("current", { contentHash: "other", signedAt: "2026-11-02T09:30:00Z" })),
    ).toBe("the database's record differs in its time of signing, content hash");
    expect(await recordMismatch(store, { ...stated("current"), id: 9999 })).toBe(
      "this instance holds no sign-off #9999",
    );
  });

  it("tells a record replaced by signing again, through its audit entry, from one revoked", async () => {
    expect(await recordMismatch(store, stated("stale"))).toBe(
      `replaced: it went stale at 2026-11-03T09:00:00.000Z and Ann signed again at ${SIGNED_AT.toISOString()} (sign-off #${ids.current})`,
    );
    expect(await recordMismatch(store, stated("revoked"))).toBe("revoked at 2026-11-04T10:00:00.000Z by Bob");
  });

  it("writes the export's evidence with each record's meaning and method as stored", async () => {
    const record = (name: string) => ({
      id: ids[name]!,
      side: "local",
      signedBy: { id: "ann", name: "Ann", organisation: "Swindon" },
      signedAt: SIGNED_AT.toISOString(),
      contentHash: `hash-${name}`,
      fresh: name === "current",
    });
    const view = {
      sections: { vision: { records: [record("current"), record("revoked")] } },
    } as unknown as PlanSignoffView;
    const plan = (await store.db.select().from(store.tables.plans))[0]!;
    const evidence = await signoffEvidence(store, plan, view, new Date("2026-12-01T00:00:00Z"), null);
    expect(
      evidence.signoffs.map(({ id, meaning, method, freshAtExport }) => ({ id, meaning, method, freshAtExport })),
    ).toEqual([
      { id: ids.current, meaning: "I, Ann, approve this section", method: "password", freshAtExport: true },
      { id: ids.revoked, meaning: undefined, method: undefined, freshAtExport: false },
    ]);
  });
});
