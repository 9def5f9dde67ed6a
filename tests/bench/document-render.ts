/**
 * One renderer in a process of its own, so that its peak memory is its own: reads a plan export
 * job from a file, builds the document once to warm up and then `runs` more times, and prints
 * the times, the size and the process's peak resident memory (VmHWM) as JSON.
 *
 *   node --import tsx tests/bench/document-render.ts tagged-pdf|docx|pdfmake JOB_FILE RUNS OUT_FILE
 */
import { readFileSync, writeFileSync } from "node:fs";
import { X509Certificate } from "node:crypto";
import * as Y from "yjs";
import { describeSeal, sealJob } from "../../server/seal/instance-seal.server";
import type { SealJob } from "../../server/seal/seal-pdf.server";
import { generateSeal } from "../../server/seal/self-signed-seal.server";
import buildPlanExport, { type PlanExportJob } from "../../server/pdf/pdf-worker.server";
import { renderPdf } from "./pdfmake/pdf-engine";
import { planPdfDefinition } from "./pdfmake/plan-pdf";

export type Renderer = "tagged-pdf" | "sealed-pdf" | "docx" | "pdfmake";

export interface RenderResult {
  ms: number[];
  bytes: number;
  peakRssMb: number;
}

/** The job as written by document-export.ts: dates as ISO strings, the state as base64. */
export type StoredJob = Omit<PlanExportJob, "state" | "exportedAt" | "format"> & { state: string; exportedAt: string };

/** A seal made for this process, as a fresh instance makes its own. */
function benchSeal(): SealJob {
  const made = generateSeal("bench");
  const material = { privateKeyPem: made.privateKeyPem, certificates: [new X509Certificate(made.certificatePem).raw] };
  return sealJob(describeSeal(material, "generated"), new Date());
}

async function render(renderer: Renderer, stored: StoredJob, seal: SealJob | null): Promise<Uint8Array> {
  const job = { ...stored, seal, state: Buffer.from(stored.state, "base64"), exportedAt: new Date(stored.exportedAt) };
  if (renderer !== "pdfmake") return buildPlanExport({ ...job, format: renderer === "docx" ? "docx" : "pdf" });
  const doc = new Y.Doc();
  Y.applyUpdate(doc, job.state);
  try {
    return await renderPdf(planPdfDefinition({ ...job, doc }));
  } finally {
    doc.destroy();
  }
}

const [renderer, jobFile, runs, outFile] = process.argv.slice(2) as [Renderer, string, string, string];
const stored = JSON.parse(readFileSync(jobFile, "utf8")) as StoredJob;
const seal = renderer === "sealed-pdf" ? benchSeal() : null;
const first = await render(renderer, stored, seal);
const ms: number[] = [];
for (let i = 0; i < Number(runs); i++) {
  const start = performance.now();
  await render(renderer, stored, seal);
  ms.push(performance.now() - start);
}
const peakKb = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))?.[1] ?? 0);
writeFileSync(outFile.replace(/\.json$/, renderer === "docx" ? ".docx" : ".pdf"), first);
writeFileSync(
  outFile,
  JSON.stringify({ ms, bytes: first.byteLength, peakRssMb: peakKb / 1024 } satisfies RenderResult),
);
