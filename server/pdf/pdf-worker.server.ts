import * as Y from "yjs";
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
}

/** Runs in an export worker thread (see export-queue.server.ts): the job in, the PDF or Word file out. */
export default async function buildPlanExport(job: PlanExportJob): Promise<Uint8Array> {
  const { state, format, ...input } = job;
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, state);
    const content = planDocument({ ...input, doc });
    return format === "docx" ? await renderDocx(content) : await renderTaggedPdf(content);
  } finally {
    doc.destroy();
  }
}
