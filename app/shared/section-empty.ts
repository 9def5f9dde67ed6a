import type { SectionKind } from "./template-schema";

/** A section's content as the sign-off reads it: rich text as ProseMirror JSON, and its structured part. */
export interface SectionContentJson {
  richText: { type?: string; text?: unknown; content?: readonly unknown[] };
  /** As `normaliseSectionData` gives it. */
  data?: { rows?: readonly Record<string, unknown>[] } & Record<string, unknown>;
}

/** Fields of a row that say what it is, not what anyone wrote in it. */
const NOT_WRITTEN = new Set(["id", "rowType", "amounts"]);

/**
 * Whether a section has nothing written, so there is nothing to sign off (decision 0035):
 * - its narrative has no words (white space, empty paragraphs and rules are not words);
 * - a table has no row with a written cell (rows added and left blank are not content);
 * - a budget has no amounts and no asset written: funding lines named but given no money
 *   commit nothing (a template may seed them), so they alone do not make it written.
 * Words in the narrative make any kind of section written.
 */
export function sectionIsEmpty(kind: SectionKind, content: SectionContentJson): boolean {
  if (hasWords(content.richText)) return false;
  if (kind === "text") return true;
  const rows = content.data?.rows ?? [];
  if (kind === "budget") {
    return !rows.some((row) => hasAmount(row.amounts) || (row.rowType === "asset" && hasWrittenCell(row)));
  }
  return !rows.some(hasWrittenCell);
}

function hasWords(node: SectionContentJson["richText"]): boolean {
  const stack: unknown[] = [node];
  while (stack.length > 0) {
    const next = stack.pop();
    if (typeof next !== "object" || next === null) continue;
    const { text, content } = next as SectionContentJson["richText"];
    if (typeof text === "string" && text.trim() !== "") return true;
    if (Array.isArray(content)) stack.push(...content);
  }
  return false;
}

function hasWrittenCell(row: Record<string, unknown>): boolean {
  return Object.entries(row).some(([name, value]) => !NOT_WRITTEN.has(name) && written(value));
}

/** An amount is written once entered, even as £0; one the reader could not read is shown, so it counts too. */
function hasAmount(amounts: unknown): boolean {
  if (typeof amounts !== "object" || amounts === null) return false;
  return Object.values(amounts).some((pence) => typeof pence === "number" || written(pence));
}

function written(value: unknown): boolean {
  return typeof value === "string" ? value.trim() !== "" : value !== null && value !== undefined;
}
