import { suggestionIdAttributes } from "./suggestion-ids";

/**
 * A section's stored rich text (ProseMirror's JSON) read for drawing, without the editor's code:
 * the reading copy on the plan page is drawn from it before any editor exists, and TipTap with
 * ProseMirror is most of the page's JavaScript (decision 0044). Each node and mark becomes the
 * markup the editor's schema gives it (`toDOM`, see editor-extensions.ts), attribute for
 * attribute; `tests/unit/reading-doc.test.ts` draws the demo plan, the templates and every
 * node and mark both ways and requires the same HTML.
 */

type Attrs = Record<string, unknown>;

/** ProseMirror's DOMOutputSpec: `[tag, attrs?, ...children]`, where `0` is where the content goes. */
export type Spec = string | readonly unknown[];

export interface ReadingMark {
  type: string;
  attrs: Attrs;
}

export interface ReadingNode {
  type: string;
  attrs: Attrs;
  content: ReadingNode[];
  marks: ReadingMark[];
  text?: string;
}

/** Each node type's attributes and their defaults, as the schema declares them. */
const NODE_ATTRS: Record<string, Attrs> = {
  doc: {},
  text: {},
  paragraph: {},
  blockquote: {},
  bulletList: {},
  orderedList: { start: 1, type: null },
  listItem: {},
  codeBlock: { language: null },
  hardBreak: {},
  heading: { level: 1 },
  horizontalRule: {},
  table: {},
  tableRow: {},
  tableCell: { colspan: 1, rowspan: 1, colwidth: null, align: null },
  tableHeader: { colspan: 1, rowspan: 1, colwidth: null, align: null },
};

/** Mark types in the schema's order, which is the order a text's marks are nested in, outermost first. */
const MARK_ATTRS: [string, Attrs][] = [
  ["link", { href: null, target: "_blank", rel: "noopener noreferrer nofollow", class: null, title: null }],
  ["bold", {}],
  ["code", {}],
  ["italic", {}],
  ["strike", {}],
  ["underline", {}],
  ["insertion", { id: null }],
  ["deletion", { id: null }],
  ["modification", { id: null, type: null, attrName: null, previousValue: null, newValue: null }],
];
const MARK_RANK = new Map(MARK_ATTRS.map(([name], rank) => [name, rank]));
const MARK_DEFAULTS = new Map(MARK_ATTRS);

const TEXTBLOCKS = new Set(["paragraph", "heading", "codeBlock"]);

export function isTextblock(node: ReadingNode): boolean {
  return TEXTBLOCKS.has(node.type);
}

/** Declared attributes only, each given or its default (ProseMirror's `computeAttrs`). */
function computeAttrs(declared: Attrs, given: unknown): Attrs {
  const attrs: Attrs = {};
  for (const name of Object.keys(declared)) {
    const value = given ? (given as Attrs)[name] : undefined;
    attrs[name] = value === undefined ? declared[name] : value;
  }
  return attrs;
}

/**
 * Reads stored JSON as `Node.fromJSON` does with the editor's schema, and throws where it throws
 * (an unknown node or mark, an empty text), so the caller falls back as it did then.
 */
export function readDoc(json: unknown): ReadingNode {
  if (!json || typeof json !== "object") throw new RangeError("Invalid input for a document node");
  const value = json as { type?: unknown; attrs?: unknown; content?: unknown; marks?: unknown; text?: unknown };
  let marks: ReadingMark[] = [];
  if (value.marks) {
    if (!Array.isArray(value.marks)) throw new RangeError("Invalid mark data");
    marks = value.marks.map(readMark).sort((a, b) => MARK_RANK.get(a.type)! - MARK_RANK.get(b.type)!);
  }
  if (value.type === "text") {
    if (typeof value.text !== "string") throw new RangeError("Invalid text node");
    if (!value.text) throw new RangeError("Empty text nodes are not allowed");
    return { type: "text", attrs: {}, content: [], marks, text: value.text };
  }
  const declared =
    typeof value.type === "string" && Object.hasOwn(NODE_ATTRS, value.type) ? NODE_ATTRS[value.type] : null;
  if (!declared) throw new RangeError(`Unknown node type: ${String(value.type)}`);
  let content: ReadingNode[] = [];
  if (value.content) {
    if (!Array.isArray(value.content)) throw new RangeError("Invalid content");
    content = joinText(value.content.map(readDoc));
  }
  return { type: value.type as string, attrs: computeAttrs(declared, value.attrs), content, marks };
}

function readMark(json: unknown): ReadingMark {
  if (!json) throw new RangeError("Invalid input for a mark");
  const type = (json as { type?: unknown }).type;
  const declared = typeof type === "string" ? MARK_DEFAULTS.get(type) : undefined;
  if (!declared) throw new RangeError(`There is no mark type ${String(type)}`);
  return { type: type as string, attrs: computeAttrs(declared, (json as { attrs?: unknown }).attrs) };
}

/** Adjacent texts with the same marks are one text (ProseMirror's `Fragment.fromArray`). */
function joinText(nodes: ReadingNode[]): ReadingNode[] {
  const joined: ReadingNode[] = [];
  for (const node of nodes) {
    const last = joined.at(-1);
    if (last && node.text !== undefined && last.text !== undefined && sameMarks(last.marks, node.marks)) {
      joined[joined.length - 1] = { ...last, text: last.text + node.text };
    } else {
      joined.push(node);
    }
  }
  return joined;
}

function sameMarks(a: ReadingMark[], b: ReadingMark[]): boolean {
  return a.length === b.length && a.every((mark, i) => mark.type === b[i]!.type && sameValue(mark.attrs, b[i]!.attrs));
}

/** ProseMirror's `compareDeep`. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!(a && typeof a === "object" && b && typeof b === "object")) return false;
  const array = Array.isArray(a);
  if (Array.isArray(b) !== array) return false;
  if (array) {
    const list = b as unknown[];
    return a.length === list.length && a.every((item, i) => sameValue(item, list[i]));
  }
  const left = a as Attrs;
  const right = b as Attrs;
  for (const key in left) if (!(key in right) || !sameValue(left[key], right[key])) return false;
  for (const key in right) if (!(key in left)) return false;
  return true;
}

/** The least width of a table's column without its own, as TableKit draws it. */
const CELL_MIN_WIDTH = 25;

/** A node's markup, as its `toDOM` gives it; null for the document itself. */
export function nodeSpec(node: ReadingNode): Spec | null {
  const { attrs } = node;
  switch (node.type) {
    case "paragraph":
      return ["p", {}, 0];
    case "blockquote":
      return ["blockquote", {}, 0];
    case "bulletList":
      return ["ul", {}, 0];
    case "listItem":
      return ["li", {}, 0];
    case "orderedList": {
      const list: Attrs = {};
      if (attrs.start !== 1) list.start = attrs.start;
      if (attrs.type && attrs.type !== "1") list.type = attrs.type;
      return ["ol", list, 0];
    }
    case "codeBlock":
      return ["pre", {}, ["code", { class: attrs.language ? `language-${String(attrs.language)}` : null }, 0]];
    case "hardBreak":
      return ["br", {}];
    case "heading":
      return [`h${[1, 2, 3, 4, 5, 6].includes(attrs.level as number) ? String(attrs.level) : "1"}`, {}, 0];
    case "horizontalRule":
      return ["hr", {}];
    case "table":
      return tableSpec(node);
    case "tableRow":
      return ["tr", {}, 0];
    case "tableCell":
    case "tableHeader":
      return [
        node.type === "tableCell" ? "td" : "th",
        {
          colspan: attrs.colspan,
          rowspan: attrs.rowspan,
          colwidth: attrs.colwidth,
          ...(attrs.align ? { style: `text-align: ${String(attrs.align)}` } : {}),
        },
        0,
      ];
    default:
      return null;
  }
}

/** TableKit's table: its columns' widths from the first row, in a colgroup. */
function tableSpec(node: ReadingNode): Spec {
  const row = node.content[0];
  if (!row) return ["table", { style: "min-width: undefined" }, undefined, ["tbody", 0]];
  let total = 0;
  let fixed = true;
  const cols: unknown[] = [];
  for (const cell of row.content) {
    const colspan = cell.attrs.colspan as number;
    const widths = cell.attrs.colwidth as number[] | null;
    for (let j = 0; j < colspan; j++) {
      const width = widths && widths[j];
      total += width || CELL_MIN_WIDTH;
      if (!width) fixed = false;
      cols.push([
        "col",
        { style: width ? `width: ${Math.max(width, CELL_MIN_WIDTH)}px` : `min-width: ${CELL_MIN_WIDTH}px` },
      ]);
    }
  }
  return [
    "table",
    { style: fixed ? `width: ${total}px` : `min-width: ${total}px` },
    ["colgroup", {}, ...cols],
    ["tbody", 0],
  ];
}

const SIMPLE_MARKS: Record<string, string> = {
  bold: "strong",
  italic: "em",
  code: "code",
  strike: "s",
  underline: "u",
};

/** A mark's markup, as its `toDOM` gives it. */
export function markSpec(mark: ReadingMark): Spec {
  const { attrs } = mark;
  const simple = SIMPLE_MARKS[mark.type];
  if (simple) return [simple, {}, 0];
  switch (mark.type) {
    case "link":
      return [
        "a",
        {
          target: attrs.target,
          rel: attrs.rel,
          class: attrs.class,
          href: allowedHref(attrs.href) ? attrs.href : "",
          title: attrs.title,
        },
        0,
      ];
    case "insertion":
      return ["ins", suggestionIdAttributes("insertion", attrs.id), 0];
    case "deletion":
      return ["del", suggestionIdAttributes("deletion", attrs.id), 0];
    default:
      return [
        "span",
        {
          ...suggestionIdAttributes("modification", attrs.id),
          type: attrs.type,
          attrName: attrs.attrName,
          previousValue: attrs.previousValue,
          newValue: attrs.newValue,
          "data-modification": "",
        },
        0,
      ];
  }
}

/** The link extension's own check of an address (its `isAllowedUri`, with the protocols Coplan allows). */
const LINK_PROTOCOLS = [
  "http",
  "https",
  "ftp",
  "ftps",
  "mailto",
  "tel",
  "callto",
  "sms",
  "cid",
  "xmpp",
  "http",
  "https",
  "mailto",
];
// The same whitespace the link extension strips.
const WHITESPACE = /[\0-\x20\xA0\u1680\u180E\u2000-\u2029\u205F\u3000]/g;
const ALLOWED_HREF = new RegExp(`^(?:(?:${LINK_PROTOCOLS.join("|")}):|[^a-z]|[a-z0-9+.\\-]+(?:[^a-z+.\\-:]|$))`, "i");

function allowedHref(href: unknown): boolean {
  return !href || ALLOWED_HREF.test(String(href).replace(WHITESPACE, ""));
}
