import { inArray } from "drizzle-orm";
import { z } from "zod";
import type { PlanSignoffView } from "../../app/shared/plan-events";
import type { Plan } from "../../db/schema";
import type { Store } from "../../db/store.server";

/** The name of the file embedded in every exported PDF that lists its sign-offs. */
export const SIGNOFF_EVIDENCE_FILE = "signoffs.json";
export const SIGNOFF_EVIDENCE_FORMAT = "coplan-signoffs/1";

const evidenceRecordSchema = z.object({
  id: z.number().int(),
  planId: z.string(),
  sectionKey: z.string(),
  sectionTitle: z.string(),
  side: z.string(),
  signedBy: z.object({ id: z.string(), name: z.string(), organisation: z.string() }),
  signedAt: z.string(),
  contentHash: z.string(),
  /** Whether the section still read as signed when the PDF was made. */
  freshAtExport: z.boolean(),
  /** The statement the signer approved, on records that carry one. */
  meaning: z.string().optional(),
  /** How the signer authenticated at signing, on records that carry it. */
  method: z.string().optional(),
});

export const signoffEvidenceSchema = z.object({
  format: z.literal(SIGNOFF_EVIDENCE_FORMAT),
  planId: z.string(),
  planTitle: z.string(),
  exportedAt: z.string(),
  /** The version exported, or null for the plan as it was at export. */
  versionId: z.number().int().nullable(),
  signoffs: z.array(evidenceRecordSchema),
});

export type SignoffEvidence = z.infer<typeof signoffEvidenceSchema>;
export type EvidenceRecord = z.infer<typeof evidenceRecordSchema>;

/**
 * The sign-offs an export shows, as machine-readable records: each one as the database holds it
 * (read by id, so whatever a record states, such as its meaning and method, comes with it).
 */
export async function signoffEvidence(
  store: Store,
  plan: Plan,
  view: PlanSignoffView,
  exportedAt: Date,
  versionId: number | null,
): Promise<SignoffEvidence> {
  const { signoffs } = store.tables;
  const shown = plan.template.sections.flatMap((section) =>
    (view.sections[section.key]?.records ?? []).map((record) => ({ section, record })),
  );
  const ids = shown.map(({ record }) => record.id);
  const rows = new Map(
    (ids.length > 0 ? await store.db.select().from(signoffs).where(inArray(signoffs.id, ids)) : []).map((row) => [
      row.id,
      row,
    ]),
  );
  return {
    format: SIGNOFF_EVIDENCE_FORMAT,
    planId: plan.id,
    planTitle: plan.title,
    exportedAt: exportedAt.toISOString(),
    versionId,
    signoffs: shown.map(({ section, record }) => {
      const row = rows.get(record.id);
      return {
        id: record.id,
        planId: plan.id,
        sectionKey: section.key,
        sectionTitle: section.title,
        side: record.side,
        signedBy: { id: record.signedBy.id, name: record.signedBy.name, organisation: record.signedBy.organisation },
        signedAt: record.signedAt,
        contentHash: record.contentHash,
        freshAtExport: record.fresh,
        ...statedOn(row),
      };
    }),
  };
}

/** `meaning` and `method`, when the record has them (records made before they existed do not). */
function statedOn(row: object | undefined): Pick<EvidenceRecord, "meaning" | "method"> {
  const stated: Pick<EvidenceRecord, "meaning" | "method"> = {};
  if (row && "meaning" in row && typeof row.meaning === "string") stated.meaning = row.meaning;
  if (row && "method" in row && typeof row.method === "string") stated.method = row.method;
  return stated;
}
