import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import * as Y from "yjs";
import { formatPounds } from "../../app/shared/budget";
import { asText, type RowValues } from "../../app/shared/section-values";
import {
  BUDGET_ASSET_FIELDS,
  BUDGET_FUNDING_FIELDS,
  STRUCTURED_FIELDS,
  type FieldDef,
} from "../../app/shared/structured-fields";
import type { SectionKind } from "../../app/shared/template-schema";
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
 * structured part, in the words the page uses ("Row 1: Funding line: Formula grant; Treatment:
 * Pooled; 2012-13: £9,999"): column headings and option labels in the page's order, never field
 * names. Used to show what changed since a sign-off.
 */
export function sectionReadableText(doc: Y.Doc, sectionKey: string, kind: SectionKind): string {
  const narrative = sectionPlainText(doc, sectionKey);
  const rows = sectionData(doc, sectionKey).rows;
  if (!Array.isArray(rows) || rows.length === 0) return narrative;
  const rowLines = rows.map((row, index) => `Row ${index + 1}: ${rowSummary(kind, row)}`);
  return [narrative, ...rowLines].join("\n");
}

/** Reads a stored section state back, as `sectionReadableText` shows it. */
export function readableTextOfState(state: Uint8Array, sectionKey: string, kind: SectionKind): string {
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, state);
    return sectionReadableText(doc, sectionKey, kind);
  } finally {
    doc.destroy();
  }
}

function fieldsOf(kind: SectionKind, row: RowValues): FieldDef[] {
  if (kind === "budget") return row.rowType === "asset" ? BUDGET_ASSET_FIELDS : BUDGET_FUNDING_FIELDS;
  return kind === "text" ? [] : STRUCTURED_FIELDS[kind];
}

function rowSummary(kind: SectionKind, row: RowValues): string {
  const fields = fieldsOf(kind, row);
  const known = new Set(["id", "rowType", "amounts", ...fields.map((field) => field.name)]);
  const parts = fields
    .map((field): [string, string] => [field.label, optionLabel(field, row[field.name])])
    // A cell the page has no column for (a stored plan may hold one) is still shown, by its name.
    .concat(
      Object.entries(row)
        .filter(([name]) => !known.has(name))
        .map(([name, value]) => [name, asText(value)]),
    );
  const amounts = typeof row.amounts === "object" ? row.amounts : {};
  for (const [year, pence] of Object.entries(amounts).sort(([a], [b]) => a.localeCompare(b))) {
    parts.push([year, typeof pence === "number" ? formatPounds(pence) : pence]);
  }
  return parts
    .filter(([, value]) => value.trim() !== "")
    .map(([label, value]) => `${label}: ${value}`)
    .join("; ");
}

function optionLabel(field: FieldDef, value: unknown): string {
  const text = asText(value);
  return field.options?.find((option) => option.value === text)?.label ?? text;
}
