import { and, asc, eq, gt, isNull, lte, or, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Side } from "../../app/shared/permissions";
import type { PlanSignoffView, SectionSignoffView, SignoffRecordView } from "../../app/shared/plan-events";
import { isFresh, planSignoffProgress, sectionSignoffState } from "../../app/shared/signoff-state";
import { perTables, type Db, type Tables } from "../../db/store.server";
import type { Plan } from "../../db/schema";
import { workflowView, type SectionWorkflow } from "./signoff-workflow-records.server";

function personOf<N extends string>(tables: Tables, name: N) {
  const user = alias(tables.users, name);
  return { table: user, columns: { id: user.id, name: user.name, organisation: user.organisation } };
}

/** The people a record names, as aliases of the store's own `users`. */
const peopleOf = perTables((tables) => {
  return {
    signer: personOf(tables, "signer"),
    staleUser: personOf(tables, "stale_user"),
    revoker: personOf(tables, "revoker"),
    signatory: personOf(tables, "on_behalf_of_user"),
  };
});

/** Sign-off records matching `where`, oldest first, with who signed them and who made them stale. */
function signoffRecords(db: Db, tables: Tables, where: (signoffs: Tables["signoffs"]) => SQL | undefined) {
  const { signoffs } = tables;
  const { signer, signatory, staleUser } = peopleOf(tables);
  return db
    .select({
      id: signoffs.id,
      sectionKey: signoffs.sectionKey,
      side: signoffs.side,
      signedBy: signer.columns,
      onBehalfOf: signatory.columns,
      signedAt: signoffs.signedAt,
      contentHash: signoffs.contentHash,
      staleAt: signoffs.staleAt,
      staleBy: staleUser.columns,
      meaning: signoffs.meaning,
      method: signoffs.method,
    })
    .from(signoffs)
    .innerJoin(signer.table, eq(signer.table.id, signoffs.userId))
    .leftJoin(signatory.table, eq(signatory.table.id, signoffs.onBehalfOf))
    .leftJoin(staleUser.table, eq(staleUser.table.id, signoffs.staleBy))
    .where(where(signoffs))
    .orderBy(asc(signoffs.id));
}

export type SignoffRecord = Awaited<ReturnType<typeof signoffRecords>>[number];

/** The plan's sign-offs not revoked, oldest first. */
export function currentRecords(db: Db, tables: Tables, planId: string): Promise<SignoffRecord[]> {
  return signoffRecords(db, tables, (signoffs) => and(eq(signoffs.planId, planId), isNull(signoffs.revokedAt)));
}

/** The side's sign-off of the section not revoked, if any (stale or fresh). */
export async function currentRecordOfSide(db: Db, tables: Tables, planId: string, sectionKey: string, side: Side) {
  const { signoffs } = tables;
  const [record] = await db
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
    .limit(1);
  return record;
}

/** Every sign-off the section ever had, newest first, with the version each one pinned. */
export async function sectionHistoryRecords(db: Db, tables: Tables, planId: string, sectionKey: string) {
  const { signoffs, planVersions } = tables;
  const { signer, signatory, staleUser, revoker } = peopleOf(tables);
  const rows = await db
    .select({
      id: signoffs.id,
      side: signoffs.side,
      signedBy: signer.columns,
      onBehalfOf: signatory.columns,
      signedAt: signoffs.signedAt,
      contentHash: signoffs.contentHash,
      sectionState: signoffs.sectionState,
      staleAt: signoffs.staleAt,
      staleBy: staleUser.columns,
      revokedAt: signoffs.revokedAt,
      revokedBy: revoker.columns,
      meaning: signoffs.meaning,
      method: signoffs.method,
      versionId: planVersions.id,
    })
    .from(signoffs)
    .innerJoin(signer.table, eq(signer.table.id, signoffs.userId))
    .leftJoin(signatory.table, eq(signatory.table.id, signoffs.onBehalfOf))
    .leftJoin(staleUser.table, eq(staleUser.table.id, signoffs.staleBy))
    .leftJoin(revoker.table, eq(revoker.table.id, signoffs.revokedBy))
    .leftJoin(planVersions, eq(planVersions.signoffId, signoffs.id))
    .where(and(eq(signoffs.planId, planId), eq(signoffs.sectionKey, sectionKey)))
    .orderBy(asc(signoffs.id));
  return rows.reverse();
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
export async function signoffViewAt(
  db: Db,
  tables: Tables,
  plan: Plan,
  at: Date,
  hashes: Record<string, string>,
): Promise<PlanSignoffView> {
  const rows = await signoffRecords(db, tables, (signoffs) =>
    and(
      eq(signoffs.planId, plan.id),
      lte(signoffs.signedAt, at),
      or(isNull(signoffs.revokedAt), gt(signoffs.revokedAt, at)),
    ),
  );
  const records = rows.map((record) =>
    record.staleAt && record.staleAt > at ? { ...record, staleAt: null, staleBy: null } : record,
  );
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
