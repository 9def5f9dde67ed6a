import canonicalize from "canonicalize";
import * as Y from "yjs";
import { sectionDataName, sectionFragmentName } from "../../app/shared/doc-names";
import { normaliseSectionData, type SectionValues } from "../../app/shared/section-values";
import { isSuggestionMark } from "../../app/shared/suggestion-marks";
import type { SharedType } from "../../app/shared/yjs-types";
import { TABLE_LIMITS } from "../limits.server";

/** A section's rich text as plain text: one line per text block, hard breaks kept. */
export function sectionPlainText(doc: Y.Doc, sectionKey: string): string {
  return sectionTextLayout(doc, sectionKey).text;
}

/**
 * A section's structured part as every reader sees it: read with a loop, at most
 * `MAX_READ_DEPTH` deep (deeper types read as null) and at most `TABLE_LIMITS.maxRowsPerSection`
 * rows, then through the one tolerant reader (`normaliseSectionData`), so rows are maps with an
 * id and every value is one a reader can use. A plan stored before updates were checked may
 * hold anything there.
 */
export function sectionData(doc: Y.Doc, sectionKey: string): SectionValues {
  return normaliseSectionData(rawSectionData(doc, sectionKey));
}

/** The structured part as Yjs's `toJSON` gives it (a `Y.Text` as its string), bounded as above. */
function rawSectionData(doc: Y.Doc, sectionKey: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const stack: [Y.Map<unknown> | Y.Array<unknown>, Record<string, unknown> | unknown[], number][] = [
    [doc.getMap(sectionDataName(sectionKey)), out, 0],
  ];
  while (stack.length > 0) {
    const [type, target, depth] = stack.pop()!;
    const entries: [string | number, unknown][] =
      type instanceof Y.Map
        ? [...type.entries()]
        : type.slice(0, TABLE_LIMITS.maxRowsPerSection).map((value, index) => [index, value]);
    for (const [key, value] of entries) {
      let json: unknown = value;
      if (value instanceof Y.Text) json = value.toString();
      else if (value instanceof Y.Map || value instanceof Y.Array) {
        json = depth + 1 > MAX_READ_DEPTH ? null : value instanceof Y.Map ? {} : [];
        if (json !== null) stack.push([value, json as Record<string, unknown> | unknown[], depth + 1]);
      } else if (value instanceof Y.AbstractType) json = null;
      (target as Record<string | number, unknown>)[key] = json;
    }
  }
  return out;
}

type Node = Y.XmlFragment | Y.XmlElement | Y.XmlText;

/**
 * The section's plain text with where each of its Yjs types starts and ends in it, so a
 * position inside the document (a type and an index) becomes an offset in the text.
 */
export interface TextLayout {
  text: string;
  /** The text offset of a position in the section, or null if the type is not in it. */
  offsetOf(type: SharedType, index: number): number | null;
}

export function sectionTextLayout(doc: Y.Doc, sectionKey: string): TextLayout {
  const fragment = doc.getXmlFragment(sectionFragmentName(sectionKey));
  const spans = new Map<Node, { start: number; end: number }>();
  /** Where a text's suggested insertions sit: [from, to) in the text's own indexes. */
  const leftOut = new Map<Y.XmlText, [number, number][]>();
  let text = "";
  let lines = 0;

  const inline = (node: Y.XmlElement | Y.XmlText | Y.XmlHook): void => {
    const start = text.length;
    if (node instanceof Y.XmlText) {
      let index = 0;
      for (const op of node.toDelta() as DeltaOp[]) {
        if (typeof op.insert !== "string") continue;
        const length = op.insert.length;
        // Words a pending suggestion would add are not content yet (decision 0034).
        if (isSuggestedInsertion(op.attributes)) {
          const ranges = leftOut.get(node) ?? [];
          ranges.push([index, index + length]);
          leftOut.set(node, ranges);
        } else text += op.insert;
        index += length;
      }
    } else if (node instanceof Y.XmlElement && node.nodeName === "hardBreak") {
      text += "\n";
    }
    if (!(node instanceof Y.XmlHook)) spans.set(node, { start, end: text.length });
  };

  // A loop over an explicit stack, not recursion: a stored section may nest without bound.
  const stack: { node: Y.XmlFragment | Y.XmlElement; children: Y.XmlElement[]; next: number; start: number }[] = [];
  const enter = (node: Y.XmlFragment | Y.XmlElement): void => {
    const children = node.toArray();
    const isTextBlock =
      node instanceof Y.XmlElement && (children.length === 0 || children.some((child) => child instanceof Y.XmlText));
    if (isTextBlock) {
      if (lines++ > 0) text += "\n";
      const blockStart = text.length;
      for (const child of children) inline(child);
      spans.set(node, { start: blockStart, end: text.length });
      return;
    }
    const elements = children.filter((child): child is Y.XmlElement => child instanceof Y.XmlElement);
    stack.push({ node, children: elements, next: 0, start: text.length });
  };
  enter(fragment);
  while (stack.length > 0) {
    const frame = stack.at(-1)!;
    const child = frame.children[frame.next++];
    if (child) {
      enter(child);
      continue;
    }
    stack.pop();
    spans.set(frame.node, { start: frame.start, end: text.length });
  }

  return {
    text,
    offsetOf(type, index) {
      const span = spans.get(type as Node);
      if (!span) return null;
      if (type instanceof Y.XmlText) {
        let offset = index;
        for (const [from, to] of leftOut.get(type) ?? []) {
          if (from >= index) break;
          offset -= Math.min(to, index) - from;
        }
        return Math.min(span.start + offset, span.end);
      }
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

/**
 * Elements deeper than this in a section are read as if their content sat at this depth:
 * the editor never nests so deep (updates that would are refused), but a plan stored before
 * that rule may, and every reader of its JSON (hashing, the PDF) then works at a bounded depth.
 */
export const MAX_READ_DEPTH = 64;

type DeltaOp = { insert: unknown; attributes?: Record<string, unknown> };

/** Whether a run carries a pending suggestion's insertion mark (under any y-prosemirror key). */
function isSuggestedInsertion(attributes: Record<string, unknown> | undefined): boolean {
  if (!attributes) return false;
  for (const [key, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined && key.split("--")[0] === "insertion") return true;
  }
  return false;
}

/**
 * The section's rich text as a ProseMirror JSON document, at most `MAX_READ_DEPTH` deep, as
 * accepted: words a pending suggestion would add are left out and words it would delete are
 * kept, without the suggestion marks (decision 0034). `withSuggestions` reads the marks too.
 */
export function sectionRichTextJson(
  doc: Y.Doc,
  sectionKey: string,
  { withSuggestions = false }: { withSuggestions?: boolean } = {},
): PmNode {
  const root: PmNode = { type: "doc" };
  const stack: { children: (Y.XmlElement | Y.XmlText | Y.XmlHook)[]; next: number; into: PmNode; depth: number }[] = [
    { children: doc.getXmlFragment(sectionFragmentName(sectionKey)).toArray(), next: 0, into: root, depth: 0 },
  ];
  while (stack.length > 0) {
    const frame = stack.at(-1)!;
    if (frame.next >= frame.children.length) {
      stack.pop();
      continue;
    }
    const child = frame.children[frame.next++]!;
    if (child instanceof Y.XmlText) {
      appendText((frame.into.content ??= []), child, withSuggestions);
      if (frame.into.content.length === 0) delete frame.into.content;
    } else if (child instanceof Y.XmlElement) {
      const children = child.toArray();
      const isTextBlock = children.length === 0 || children.some((grandchild) => grandchild instanceof Y.XmlText);
      // Past the bound a container's blocks are lifted into the container above; text blocks
      // are kept whole, so no words are lost.
      if (frame.depth >= MAX_READ_DEPTH && !isTextBlock) {
        stack.push({ children, next: 0, into: frame.into, depth: frame.depth });
        continue;
      }
      const node: PmNode = { type: child.nodeName };
      const attrs = child.getAttributes() as Record<string, unknown>;
      if (Object.keys(attrs).length > 0) node.attrs = attrs;
      (frame.into.content ??= []).push(node);
      stack.push({ children, next: 0, into: node, depth: frame.depth + 1 });
    }
  }
  return root.content ? root : { type: "doc", content: [] };
}

/**
 * Yjs splits a text's delta wherever a formatting item sits, even one that changes nothing, so
 * runs with equal marks are merged and marks sorted: the same text gives the same JSON.
 */
function appendText(content: (PmNode | PmText)[], text: Y.XmlText, withSuggestions: boolean): void {
  const delta = text.toDelta() as DeltaOp[];
  for (const op of delta) {
    if (typeof op.insert !== "string" || op.insert === "") continue;
    if (!withSuggestions && isSuggestedInsertion(op.attributes)) continue;
    let marks = marksOf(op.attributes);
    if (!withSuggestions) marks = marks.filter((mark) => !isSuggestionMark(mark.type));
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
