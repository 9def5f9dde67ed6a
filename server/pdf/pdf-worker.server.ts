import * as Y from "yjs";
import { sealPdf, type SealJob } from "../seal/seal-pdf.server";
import { SIGNOFF_EVIDENCE_FILE, type SignoffEvidence } from "../seal/signoff-evidence.server";
import { renderDocx } from "./plan-docx.server";
import { planDocument, type PlanExportInput } from "./plan-document.server";
import { renderTaggedPdf } from "./tagged-pdf.server";

export type ExportFormat = "pdf" | "docx";

/**
 * What the event loop hands a worker: the plan's document as one Yjs update, and everything
 * else the export shows, already read. Only plain data crosses to the worker.
 */
export interface PlanExportJob extends Omit<PlanExportInput, "doc"> {
  format: ExportFormat;
  state: Uint8Array;
  /** The sign-offs the PDF shows, embedded in it as `signoffs.json`. */
  evidence: SignoffEvidence;
  /** The instance's seal; null only where an unsealed PDF is wanted (the bench's baseline). */
  seal: SealJob | null;
}

/** Runs in an export worker thread (see export-queue.server.ts): the job in, the PDF or Word file out. */
export default async function buildPlanExport(job: PlanExportJob): Promise<Uint8Array> {
  const { state, format, seal, ...input } = job;
  const { evidence } = input;
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, state);
    const content = planDocument({ ...input, doc });
    if (format === "docx") return await renderDocx(content);
    const pdf = await renderTaggedPdf(content, {
      attachments: [
        {
          name: SIGNOFF_EVIDENCE_FILE,
          type: "application/json",
          description: "The sign-off records this PDF shows, as the instance's database held them at export",
          data: Buffer.from(JSON.stringify(evidence, null, 2)),
          createdAt: input.exportedAt,
        },
      ],
      ...(seal ? { seal } : {}),
    });
    return seal ? await sealPdf(pdf, seal) : pdf;
  } finally {
    doc.destroy();
  }
}
