import * as Y from "yjs";
import { sectionDataName, sectionFragmentName } from "~/shared/doc-names";

/** Roughly how many characters one line of a narrative holds at the page's widest column. */
const CHARS_PER_LINE = 90;

/**
 * Stands in for a section's editors until they are on the page, about as tall as they will be,
 * so that the scroll bar and the sections below stay roughly where they will end up.
 */
export function SectionPlaceholder({ doc, sectionKey }: { doc: Y.Doc | undefined; sectionKey: string }) {
  return (
    <div
      className="section-editor section-editor--loading"
      style={{ minHeight: `${doc ? estimatedRem(doc, sectionKey) : 5}rem` }}
      data-testid="section-placeholder"
    >
      Loading…
    </div>
  );
}

/** Reads only lengths: a long section is estimated without walking its text. */
function estimatedRem(doc: Y.Doc, sectionKey: string): number {
  let rem = 0;
  for (const block of doc.getXmlFragment(sectionFragmentName(sectionKey)).toArray()) {
    const text = block instanceof Y.XmlElement ? block.firstChild : null;
    const chars = text instanceof Y.XmlText ? text.length : CHARS_PER_LINE;
    rem += Math.max(1, Math.ceil(chars / CHARS_PER_LINE)) * 1.6 + 1;
  }
  const rows = doc.getMap(sectionDataName(sectionKey)).get("rows");
  if (rows instanceof Y.Array) rem += 6 + rows.length * 2.5;
  return Math.max(5, rem);
}
