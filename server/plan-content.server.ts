import * as Y from "yjs";
import { sectionDataName, sectionFragmentName } from "../app/lib/doc-names";

/** A section's rich text as plain text: one line per text block, hard breaks kept. */
export function sectionPlainText(doc: Y.Doc, sectionKey: string): string {
  return sectionTextLayout(doc, sectionKey).text;
}

/** A section's structured part as plain JSON (`{}` for a section with none yet). */
export function sectionData(doc: Y.Doc, sectionKey: string): Record<string, unknown> {
  return doc.getMap(sectionDataName(sectionKey)).toJSON();
}

type Node = Y.XmlFragment | Y.XmlElement | Y.XmlText;

/**
 * The section's plain text with where each of its Yjs types starts and ends in it, so a
 * position inside the document (a type and an index) becomes an offset in the text.
 */
export interface TextLayout {
  text: string;
  /** The text offset of a position in the section, or null if the type is not in it. */
  offsetOf(type: Y.AbstractType<any>, index: number): number | null;
}

export function sectionTextLayout(doc: Y.Doc, sectionKey: string): TextLayout {
  const fragment = doc.getXmlFragment(sectionFragmentName(sectionKey));
  const spans = new Map<Node, { start: number; end: number }>();
  let text = "";
  let lines = 0;

  const walk = (node: Y.XmlFragment | Y.XmlElement): void => {
    const start = text.length;
    const children = node.toArray();
    const isTextBlock =
      node instanceof Y.XmlElement &&
      (children.length === 0 || children.some((child) => child instanceof Y.XmlText));
    if (isTextBlock) {
      if (lines++ > 0) text += "\n";
      const blockStart = text.length;
      for (const child of children) inline(child);
      spans.set(node, { start: blockStart, end: text.length });
      return;
    }
    for (const child of children) {
      if (child instanceof Y.XmlElement) walk(child);
    }
    spans.set(node, { start, end: text.length });
  };

  const inline = (node: Y.XmlElement | Y.XmlText | Y.XmlHook): void => {
    const start = text.length;
    if (node instanceof Y.XmlText) {
      for (const op of node.toDelta() as { insert: unknown }[]) {
        if (typeof op.insert === "string") text += op.insert;
      }
    } else if (node instanceof Y.XmlElement && node.nodeName === "hardBreak") {
      text += "\n";
    }
    if (!(node instanceof Y.XmlHook)) spans.set(node, { start, end: text.length });
  };

  walk(fragment);

  return {
    text,
    offsetOf(type, index) {
      const span = spans.get(type as Node);
      if (!span) return null;
      if (type instanceof Y.XmlText) return Math.min(span.start + index, span.end);
      const children = (type as Y.XmlFragment | Y.XmlElement).toArray();
      const child = children[index];
      if (child === undefined || child instanceof Y.XmlHook) return span.end;
      return spans.get(child)?.start ?? span.end;
    },
  };
}
