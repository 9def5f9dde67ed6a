import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import Database from "better-sqlite3";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/better-sqlite3";
import * as Y from "yjs";
import type { PlanSignoffView } from "../../app/shared/plan-events";
import { plans } from "../../db/schema";
import { SIGNOFF_EVIDENCE_FORMAT } from "../../server/seal/signoff-evidence.server";
import type { Renderer, RenderResult, StoredJob } from "./document-render";
import { createGeneratedPlan } from "./generated-plan";
import { connectClient } from "./load/connect";
import type { BenchServer } from "./servers";

const RENDER_SCRIPT = resolve(import.meta.dirname, "document-render.ts");

/** The export job the server's worker would get for a plan nobody has signed yet. */
async function jobFor(server: BenchServer, planId: string): Promise<StoredJob> {
  const database = new Database(server.databasePath!, { readonly: true });
  const plan = drizzle(database).select().from(plans).where(eq(plans.id, planId)).get()!;
  database.close();
  const client = connectClient({ ...server, room: planId });
  await client.synced;
  const state = Y.encodeStateAsUpdate(client.doc);
  client.destroy();
  const signoffs: PlanSignoffView = {
    status: "draft",
    signed: 0,
    total: plan.template.sections.length,
    sections: Object.fromEntries(
      plan.template.sections.map((s) => [
        s.key,
        { state: "unsigned", requiredSides: s.signoff, records: [], returned: null, due: null, request: null },
      ]),
    ),
  };
  return {
    plan,
    signoffs,
    comments: null,
    exportedAt: new Date().toISOString(),
    exportedBy: "Benchmark, Coplan",
    version: null,
    evidence: {
      format: SIGNOFF_EVIDENCE_FORMAT,
      planId,
      planTitle: plan.title,
      exportedAt: new Date().toISOString(),
      versionId: null,
      signoffs: [],
    },
    // document-render.ts seals with a seal of its own for the `sealed-pdf` renderer.
    seal: null,
    state: Buffer.from(state).toString("base64"),
  };
}

function pageCount(file: string): number {
  return Number(/Pages:\s+(\d+)/.exec(execFileSync("pdfinfo", [file], { encoding: "utf8" }))![1]);
}

export interface DocumentExportResult {
  plan: string;
  renderer: Renderer;
  pages: number | null;
  result: RenderResult;
}

/**
 * The tagged PDF (pdfkit), unsealed and sealed, and the Word copy of the generated ~40-page and 200-page plans,
 * beside the pdfmake renderer they replaced, in the same run: each renderer in a fresh process
 * of its own (as an export worker is), one warm-up and then `runs` timed builds, with the
 * process's peak resident memory.
 */
export async function measureDocumentExports(
  server: BenchServer,
  runs: number,
  fortyPagePlanId: string,
): Promise<DocumentExportResult[]> {
  const generated = [
    { label: "~40-page", id: fortyPagePlanId },
    { label: "200-page", id: await createGeneratedPlan(server, 200, 32) },
  ];
  const dir = mkdtempSync(join(tmpdir(), "coplan-documents-"));
  const results: DocumentExportResult[] = [];
  for (const { label, id } of generated) {
    const jobFile = join(dir, `${id}.job.json`);
    writeFileSync(jobFile, JSON.stringify(await jobFor(server, id)));
    for (const renderer of ["pdfmake", "tagged-pdf", "sealed-pdf", "docx"] as const) {
      const out = join(dir, `${id}.${renderer}.json`);
      execFileSync(process.execPath, ["--import", "tsx", RENDER_SCRIPT, renderer, jobFile, String(runs), out], {
        stdio: ["ignore", "ignore", "inherit"],
      });
      const result = JSON.parse(readFileSync(out, "utf8")) as RenderResult;
      const pages = renderer === "docx" ? null : pageCount(out.replace(/\.json$/, ".pdf"));
      results.push({ plan: label, renderer, pages, result });
    }
  }
  return results;
}
