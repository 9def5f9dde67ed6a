import { and, asc, eq, gt, isNull, lte, or, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Side } from "../../app/shared/permissions";
import type { PlanSignoffView, SectionSignoffView, SignoffRecordView } from "../../app/shared/plan-events";
import { isFresh, planSignoffProgress, sectionSignoffState } from "../../app/shared/signoff-state";
import type { SqliteDb } from "../../db/client.server";
import { planVersions, signoffs, users, type Plan } from "../../db/schema";
import { workflowView, type SectionWorkflow } from "./signoff-workflow-records.server";

const signer = alias(users, "signer");
const staleUser = alias(users, "stale_user");
const revoker = alias(users, "revoker");
const signatory = alias(users, "on_behalf_of_user");

const signedByColumns = { id: signer.id, name: signer.name, organisation: signer.organisation };
const staleByColumns = { id: staleUser.id, name: staleUser.name, organisation: staleUser.organisation };
const revokedByColumns = { id: revoker.id, name: revoker.name, organisation: revoker.organisation };
const onBehalfOfColumns = { id: signatory.id, name: signatory.name, organisation: signatory.organisation };

/** Sign-off records matching `where`, oldest first, with who signed them and who made them stale. */
function signoffRecords(db: Pick<SqliteDb, "select">, where: SQL | undefined) {
  return db
    .select({
      id: signoffs.id,
      sectionKey: signoffs.sectionKey,
      side: signoffs.side,
      signedBy: signedByColumns,
      onBehalfOf: onBehalfOfColumns,
      signedAt: signoffs.signedAt,
      contentHash: signoffs.contentHash,
      staleAt: signoffs.staleAt,
      staleBy: staleByColumns,
      meaning: signoffs.meaning,
      method: signoffs.method,
    })
    .from(signoffs)
    .innerJoin(signer, eq(signer.id, signoffs.userId))
    .leftJoin(signatory, eq(signatory.id, signoffs.onBehalfOf))
    .leftJoin(staleUser, eq(staleUser.id, signoffs.staleBy))
    .where(where)
    .orderBy(asc(signoffs.id))
    .all();
}

export type SignoffRecord = ReturnType<typeof signoffRecords>[number];

/** The plan's sign-offs not revoked, oldest first. */
export function currentRecords(db: Pick<SqliteDb, "select">, planId: string): SignoffRecord[] {
  return signoffRecords(db, and(eq(signoffs.planId, planId), isNull(signoffs.revokedAt)));
}

/** The side's sign-off of the section not revoked, if any (stale or fresh). */
export function currentRecordOfSide(db: Pick<SqliteDb, "select">, planId: string, sectionKey: string, side: Side) {
  return db
    .select()
    .from(signoffs)
    .where(
      and(
        eq(signoffs.planId, planId),
        eq(signoffs.sectionKey, sectionKey),
        eq(signoffs.side, side),
        isNull(signoffs.revokedAt),
      ),
    )
    .get();
}

/** Every sign-off the section ever had, newest first, with the version each one pinned. */
export function sectionHistoryRecords(db: Pick<SqliteDb, "select">, planId: string, sectionKey: string) {
  return db
    .select({
      id: signoffs.id,
      side: signoffs.side,
      signedBy: signedByColumns,
      onBehalfOf: onBehalfOfColumns,
      signedAt: signoffs.signedAt,
      contentHash: signoffs.contentHash,
      sectionState: signoffs.sectionState,
      staleAt: signoffs.staleAt,
      staleBy: staleByColumns,
      revokedAt: signoffs.revokedAt,
      revokedBy: revokedByColumns,
      meaning: signoffs.meaning,
      method: signoffs.method,
      versionId: planVersions.id,
    })
    .from(signoffs)
    .innerJoin(signer, eq(signer.id, signoffs.userId))
    .leftJoin(signatory, eq(signatory.id, signoffs.onBehalfOf))
    .leftJoin(staleUser, eq(staleUser.id, signoffs.staleBy))
    .leftJoin(revoker, eq(revoker.id, signoffs.revokedBy))
    .leftJoin(planVersions, eq(planVersions.signoffId, signoffs.id))
    .where(and(eq(signoffs.planId, planId), eq(signoffs.sectionKey, sectionKey)))
    .orderBy(asc(signoffs.id))
    .all()
    .reverse();
}

/**
 * The plan's sign-off state from its current records, its open requests and standing returns
 * (`workflow`, by section), and each section's content hash (`hashOf` is asked only for
 * sections that have records or a return).
 */
export function planSignoffView(
  plan: Plan,
  records: readonly SignoffRecord[],
  hashOf: (sectionKey: string) => string,
  workflow: ReadonlyMap<string, SectionWorkflow> = new Map(),
): PlanSignoffView {
  const bySection = new Map<string, SignoffRecord[]>();
  for (const record of records) {
    bySection.set(record.sectionKey, [...(bySection.get(record.sectionKey) ?? []), record]);
  }
  const sections: Record<string, SectionSignoffView> = {};
  for (const section of plan.template.sections) {
    const sectionRecords = bySection.get(section.key) ?? [];
    const sectionWorkflow = workflow.get(section.key);
    const hash = sectionRecords.length > 0 || sectionWorkflow?.returned ? hashOf(section.key) : "";
    sections[section.key] = {
      state: sectionSignoffState(section.signoff, sectionRecords, hash),
      requiredSides: section.signoff,
      records: sectionRecords.map((record) => recordView(record, hash)),
      ...workflowView(sectionWorkflow, hash),
    };
  }
  const progress = planSignoffProgress(Object.values(sections).map((section) => section.state));
  return { ...progress, sections };
}

/**
 * The plan's sign-off state at a past moment, for the content it had then (`hashes`, by
 * section): the records current at that moment, stale only if they had turned by then.
 */
export function signoffViewAt(db: SqliteDb, plan: Plan, at: Date, hashes: Record<string, string>): PlanSignoffView {
  const records = signoffRecords(
    db,
    and(
      eq(signoffs.planId, plan.id),
      lte(signoffs.signedAt, at),
      or(isNull(signoffs.revokedAt), gt(signoffs.revokedAt, at)),
    ),
  ).map((record) => (record.staleAt && record.staleAt > at ? { ...record, staleAt: null, staleBy: null } : record));
  return planSignoffView(plan, records, (key) => hashes[key] ?? "");
}

function recordView(record: SignoffRecord, currentHash: string): SignoffRecordView {
  return {
    id: record.id,
    side: record.side as Side,
    signedBy: record.signedBy,
    onBehalfOf: record.onBehalfOf,
    signedAt: record.signedAt.toISOString(),
    contentHash: record.contentHash,
    fresh: isFresh(record, currentHash),
    staleAt: record.staleAt?.toISOString() ?? null,
    staleBy: record.staleBy,
    meaning: record.meaning,
    method: record.method,
  };
}
