import * as Y from "yjs";
import type { PlanPdfInput } from "./plan-pdf.server";
import { renderPdf } from "./pdf-engine.server";
import { planPdfDefinition } from "./plan-pdf.server";

/**
 * What the event loop hands a worker: the plan's document as one Yjs update, and everything
 * else the PDF shows, already read. Only plain data crosses to the worker.
 */
export interface PlanPdfJob extends Omit<PlanPdfInput, "doc"> {
  state: Uint8Array;
}

/** Runs in an export worker thread (see export-queue.server.ts): the job in, the PDF out. */
export default async function buildPlanPdf(job: PlanPdfJob): Promise<Uint8Array> {
  const { state, ...input } = job;
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, state);
    return await renderPdf(planPdfDefinition({ ...input, doc }));
  } finally {
    doc.destroy();
  }
}
