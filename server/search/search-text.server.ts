import * as Y from "yjs";
import { sectionDataName } from "../../app/shared/doc-names";
import { fieldText, textFieldNames } from "../../app/shared/section-rows";
import type { TemplateSection } from "../../app/shared/template-schema";
import { TABLE_LIMITS } from "../limits.server";
import { sectionPlainText } from "../plans/plan-content.server";

/**
 * The words of a section as search sees them: its rich text, then each table row's free-text
 * cells, one per line. Select and date cells hold codes, not words, and are left out. A plan
 * stored before tables were bounded is read only as far as the bounds (rows per section,
 * characters per cell), so one spoiled cell cannot make indexing it take minutes.
 */
export function sectionSearchText(doc: Y.Doc, section: Pick<TemplateSection, "key" | "kind">): string {
  const lines = [sectionPlainText(doc, section.key)];
  // Read without rowsOf(), which would create a missing array inside the caller's document.
  const rows = doc.getMap(sectionDataName(section.key)).get("rows");
  if (rows instanceof Y.Array) {
    for (const row of rows.slice(0, TABLE_LIMITS.maxRowsPerSection)) {
      if (!(row instanceof Y.Map)) continue;
      for (const name of textFieldNames(section.kind, row.get("rowType"))) {
        const text = fieldText(row.get(name)).slice(0, TABLE_LIMITS.maxCellChars);
        if (text !== "") lines.push(text);
      }
    }
  }
  return lines.join("\n").trim();
}
