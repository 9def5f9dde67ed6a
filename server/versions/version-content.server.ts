import { createHash } from "node:crypto";
import { brotliCompressSync, brotliDecompressSync, constants } from "node:zlib";
import type * as Y from "yjs";
import type { Plan } from "../../db/schema";
import { sectionPlainText, type PmNode } from "../plans/plan-content.server";
import { contentHashOf, sectionContent } from "../signoffs/section-content.server";

/** One section as a version keeps it: what the API shows, compares and exports. */
export interface SectionContent {
  richText: PmNode;
  text: string;
  data: Record<string, unknown>;
  /** As `GET /api/plans/:id` gives it: what a sign-off of this wording covers. */
  contentHash: string;
}

export interface PlanContent {
  /** SHA-256 over the sections' hashes in template order: equal plans, equal hashes. */
  contentHash: string;
  sections: Record<string, SectionContent>;
}

/** The plan's content now, section by section, read from its document. */
export function planContent(plan: Plan, doc: Y.Doc): PlanContent {
  const sections: Record<string, SectionContent> = {};
  const whole = createHash("sha256");
  for (const { key } of plan.template.sections) {
    const content = sectionContent(doc, key);
    const contentHash = contentHashOf(content);
    whole.update(`${key}\0${contentHash}\0`);
    sections[key] = { richText: content.text, text: sectionPlainText(doc, key), data: content.data, contentHash };
  }
  return { contentHash: whole.digest("hex"), sections };
}

/**
 * Brotli at quality 5: within a few per cent of the best ratio on Yjs states and JSON, at a
 * tenth of quality 11's time, which matters because versions are made on the event loop.
 */
export function compress(bytes: Uint8Array | string): Buffer {
  return brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } });
}

export function decompress(bytes: Uint8Array): Buffer {
  return brotliDecompressSync(bytes);
}

export function encodeContent(content: PlanContent): Buffer {
  return compress(JSON.stringify(content));
}

export function decodeContent(bytes: Uint8Array): PlanContent {
  return JSON.parse(decompress(bytes).toString("utf8")) as PlanContent;
}
