import * as Y from "yjs";
import { sectionDataName, sectionFragmentName } from "../app/lib/doc-names";

/** A section's rich text as plain text: one line per text block, hard breaks kept. */
export function sectionPlainText(doc: Y.Doc, sectionKey: string): string {
  const lines: string[] = [];
  collectLines(doc.getXmlFragment(sectionFragmentName(sectionKey)), lines);
  return lines.join("\n");
}

/** A section's structured part as plain JSON (`{}` for a section with none yet). */
export function sectionData(doc: Y.Doc, sectionKey: string): Record<string, unknown> {
  return doc.getMap(sectionDataName(sectionKey)).toJSON();
}

function collectLines(node: Y.XmlFragment | Y.XmlElement, lines: string[]): void {
  const children = node.toArray();
  const isTextBlock =
    node instanceof Y.XmlElement &&
    (children.length === 0 || children.some((child) => child instanceof Y.XmlText));
  if (isTextBlock) {
    lines.push(children.map(inlineText).join(""));
    return;
  }
  for (const child of children) {
    if (child instanceof Y.XmlElement) collectLines(child, lines);
  }
}

function inlineText(node: Y.XmlElement | Y.XmlText | Y.XmlHook): string {
  if (node instanceof Y.XmlText) {
    return (node.toDelta() as { insert: unknown }[])
      .map((op) => (typeof op.insert === "string" ? op.insert : ""))
      .join("");
  }
  if (node instanceof Y.XmlElement && node.nodeName === "hardBreak") return "\n";
  return "";
}
