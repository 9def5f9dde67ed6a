import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import * as Y from "yjs";
import { formatPounds } from "../../app/shared/budget";
import { sectionDataName, sectionFragmentName } from "../../app/shared/doc-names";
import { sectionData, sectionPlainText, sectionRichTextJson } from "../plans/plan-content.server";

/**
 * What a signatory signs: a section's rich text as ProseMirror JSON and its structured part,
 * as plain JSON `{text, data}`; the rich text is normalised so equal content hashes equally
 * however it was typed.
 */
export function sectionContent(doc: Y.Doc, sectionKey: string) {
  return {
    text: sectionRichTextJson(doc, sectionKey),
    data: sectionData(doc, sectionKey),
  };
}

/** SHA-256 over the RFC 8785 canonical JSON of the section's content. */
export function sectionContentHash(doc: Y.Doc, sectionKey: string): string {
  return contentHashOf(sectionContent(doc, sectionKey));
}

/** The hash of content already read with `sectionContent`. */
export function contentHashOf(content: ReturnType<typeof sectionContent>): string {
  return createHash("sha256")
    .update(canonicalize(content) ?? "")
    .digest("hex");
}

/** The section alone, as an encoded Yjs document under the same names as in the plan. */
export function encodeSectionState(doc: Y.Doc, sectionKey: string): Uint8Array {
  const copy = new Y.Doc();
  try {
    const source = doc.getXmlFragment(sectionFragmentName(sectionKey));
    const sourceData = doc.getMap(sectionDataName(sectionKey));
    copy.transact(() => {
      copy.getXmlFragment(sectionFragmentName(sectionKey)).insert(
        0,
        source.toArray().map((child) => child.clone() as Y.XmlElement | Y.XmlText),
      );
      const data = copy.getMap(sectionDataName(sectionKey));
      sourceData.forEach((value, key) => {
        data.set(key, value instanceof Y.AbstractType ? value.clone() : value);
      });
    });
    return Y.encodeStateAsUpdate(copy);
  } finally {
    copy.destroy();
  }
}

/**
 * The section as lines a person can compare: its narrative, then one line per row of its
 * structured part. Used to show what changed since a sign-off.
 */
export function sectionReadableText(doc: Y.Doc, sectionKey: string): string {
  const narrative = sectionPlainText(doc, sectionKey);
  const rows = sectionData(doc, sectionKey).rows;
  if (!Array.isArray(rows) || rows.length === 0) return narrative;
  const rowLines = rows.map((row: unknown, index: number) => `Row ${index + 1}: ${rowSummary(row)}`);
  return [narrative, ...rowLines].join("\n");
}

/** Reads a stored section state back, as `sectionReadableText` shows it. */
export function readableTextOfState(state: Uint8Array, sectionKey: string): string {
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, state);
    return sectionReadableText(doc, sectionKey);
  } finally {
    doc.destroy();
  }
}

function rowSummary(row: unknown): string {
  if (typeof row !== "object" || row === null) return String(row);
  return Object.entries(row as Record<string, unknown>)
    .filter(([name, value]) => name !== "id" && name !== "rowType" && value !== "" && value !== null)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => `${name} ${describeValue(name, value)}`)
    .join("; ");
}

function describeValue(name: string, value: unknown): string {
  if (name === "amounts" && typeof value === "object" && value !== null) {
    return Object.entries(value as Record<string, unknown>)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([year, pence]) => `${year} ${typeof pence === "number" ? formatPounds(pence) : String(pence)}`)
      .join(", ");
  }
  return typeof value === "string" ? value : JSON.stringify(value);
}
