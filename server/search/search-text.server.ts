import * as Y from "yjs";
import { sectionDataName } from "../../app/shared/doc-names";
import { fieldText, textFieldNames } from "../../app/shared/section-rows";
import type { TemplateSection } from "../../app/shared/template-schema";
import { sectionPlainText } from "../plans/plan-content.server";

/** Marks the start and end of a matched word in a snippet; removed from indexed text. */
export const MATCH_START = "\uE000";
export const MATCH_END = "\uE001";
const MARKERS = /[\uE000\uE001]/g;

/**
 * The words of a section as search sees them: its rich text, then each table row's free-text
 * cells, one per line. Select and date cells hold codes, not words, and are left out.
 */
export function sectionSearchText(doc: Y.Doc, section: Pick<TemplateSection, "key" | "kind">): string {
  const lines = [sectionPlainText(doc, section.key)];
  // Read without rowsOf(), which would create a missing array inside the caller's document.
  const rows = doc.getMap(sectionDataName(section.key)).get("rows");
  if (rows instanceof Y.Array) {
    for (const row of rows.toArray()) {
      if (!(row instanceof Y.Map)) continue;
      for (const name of textFieldNames(section.kind, row.get("rowType"))) {
        const text = fieldText(row.get(name));
        if (text !== "") lines.push(text);
      }
    }
  }
  return lines.join("\n").replace(MARKERS, "").trim();
}
