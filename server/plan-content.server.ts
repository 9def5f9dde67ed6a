import canonicalize from "canonicalize";
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

export interface PmText {
  type: "text";
  text: string;
  marks?: PmMark[];
}
export interface PmMark {
  type: string;
  attrs?: Record<string, unknown>;
}
export interface PmNode {
  type: string;
  attrs?: Record<string, unknown>;
  content?: (PmNode | PmText)[];
}

/** The section's rich text as a ProseMirror JSON document. */
export function sectionRichTextJson(doc: Y.Doc, sectionKey: string): PmNode {
  return { type: "doc", content: childrenToJson(doc.getXmlFragment(sectionFragmentName(sectionKey))) };
}

function childrenToJson(parent: Y.XmlFragment | Y.XmlElement): (PmNode | PmText)[] {
  const content: (PmNode | PmText)[] = [];
  for (const child of parent.toArray()) {
    if (child instanceof Y.XmlText) appendText(content, child);
    else if (child instanceof Y.XmlElement) content.push(elementToJson(child));
  }
  return content;
}

function elementToJson(element: Y.XmlElement): PmNode {
  const node: PmNode = { type: element.nodeName };
  const attrs = element.getAttributes() as Record<string, unknown>;
  if (Object.keys(attrs).length > 0) node.attrs = attrs;
  const content = childrenToJson(element);
  if (content.length > 0) node.content = content;
  return node;
}

/**
 * Yjs splits a text's delta wherever a formatting item sits, even one that changes nothing, so
 * runs with equal marks are merged and marks sorted: the same text gives the same JSON.
 */
function appendText(content: (PmNode | PmText)[], text: Y.XmlText): void {
  const delta = text.toDelta() as { insert: unknown; attributes?: Record<string, unknown> }[];
  for (const op of delta) {
    if (typeof op.insert !== "string" || op.insert === "") continue;
    const marks = marksOf(op.attributes);
    const previous = content.at(-1);
    if (previous?.type === "text" && sameMarks((previous as PmText).marks, marks)) {
      (previous as PmText).text += op.insert;
      continue;
    }
    content.push(marks.length > 0 ? { type: "text", text: op.insert, marks } : { type: "text", text: op.insert });
  }
}

function marksOf(attributes: Record<string, unknown> | undefined): PmMark[] {
  if (!attributes) return [];
  return Object.entries(attributes)
    .filter(([, attrs]) => attrs !== null && attrs !== undefined)
    .map(([name, attrs]) => {
      // y-prosemirror suffixes a mark that may overlap itself with `--<hash>`.
      const mark: PmMark = { type: name.split("--")[0]! };
      if (typeof attrs === "object" && Object.keys(attrs as object).length > 0) {
        mark.attrs = attrs as Record<string, unknown>;
      }
      return mark;
    })
    .sort((a, b) => (canonicalize(a) ?? "").localeCompare(canonicalize(b) ?? ""));
}

function sameMarks(a: PmMark[] | undefined, b: PmMark[]): boolean {
  return canonicalize(a ?? []) === canonicalize(b);
}
