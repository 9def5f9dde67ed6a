import { getSchema } from "@tiptap/core";
import { Node as PmNode, type Mark } from "@tiptap/pm/model";
import type { Content, ContentText } from "pdfmake/interfaces";
import { richTextExtensions } from "../../../app/shared/editor-extensions";
import type { PmNode as PmJson, PmText } from "../../../server/plans/plan-content.server";
import { breakable } from "./breakable";

/** The editors' own schema: the PDF shows what the editor shows, and nothing it would not. */
const schema = getSchema(richTextExtensions);

const SAFE_LINK = /^(https?:|mailto:)/i;

/**
 * Block nesting deeper than this (a quote in a list in a quote ...) is flattened: the node at
 * this depth keeps its text as plain paragraphs. An editor can store content thousands of levels
 * deep; ProseMirror and pdfmake both recurse once per level and would run out of stack.
 */
export const MAX_NESTING = 20;

type PmChild = PmJson | PmText;

/**
 * A section's rich text (ProseMirror JSON) as pdfmake content. The JSON is read with the
 * editor schema; nodes or marks it does not know (a client may write anything into the Y.Doc)
 * keep their text and lose their formatting.
 */
export function richTextToPdf(json: PmJson): Content[] {
  return blocks(readWithSchema(boundNesting(json)));
}

function readWithSchema(json: PmJson): PmNode {
  try {
    const node = PmNode.fromJSON(schema, json);
    node.check();
    return node;
  } catch {
    return PmNode.fromJSON(schema, { type: "doc", content: plainParagraphs(json) });
  }
}

/** A copy of the document no deeper than MAX_NESTING, made without recursion. */
function boundNesting(json: PmJson): PmJson {
  const root: PmJson = { ...json, content: [] };
  const pending: { source: PmJson; copy: PmJson; depth: number }[] = [{ source: json, copy: root, depth: 0 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    for (const child of next.source.content ?? []) {
      if (child.type === "text" || !("content" in child) || !child.content) {
        next.copy.content!.push(child);
      } else if (next.depth + 1 < MAX_NESTING) {
        const copy: PmJson = { ...child, content: [] };
        next.copy.content!.push(copy);
        pending.push({ source: child, copy, depth: next.depth + 1 });
      } else {
        next.copy.content!.push(flattened(child));
      }
    }
  }
  return root;
}

/** The node with its descendants' text as paragraphs, wrapped in a list item for a list. */
function flattened(node: PmJson): PmJson {
  if (!node.content!.some((child) => child.type !== "text" && "content" in child && child.content)) return node;
  const paragraphs = plainParagraphs(node, true);
  const content = paragraphs.length > 0 ? paragraphs : [{ type: "paragraph" }];
  const type = schema.nodes[node.type];
  const takesListItems =
    type &&
    !type.contentMatch.matchType(schema.nodes.paragraph!) &&
    type.contentMatch.matchType(schema.nodes.listItem!);
  return { ...node, content: takesListItems ? [{ type: "listItem", content }] : content };
}

/**
 * One paragraph per text block, in document order, found without recursion: the fallback for
 * content the schema refuses (plain text), and how nesting past the limit is kept (with marks).
 */
function plainParagraphs(json: PmJson, keepMarks = false): PmJson[] {
  const paragraphs: PmJson[] = [];
  const pending: PmChild[] = [json];
  for (let node = pending.pop(); node; node = pending.pop()) {
    const children: PmChild[] = "content" in node && node.content ? node.content : [];
    if (children.some((child) => child.type === "text")) {
      const inline = keepMarks
        ? children.filter((child) => child.type === "text" || child.type === "hardBreak")
        : [{ type: "text", text: children.map((child) => ("text" in child ? child.text : "")).join("") } as PmText];
      const content = inline.filter((child) => !("text" in child) || child.text !== "");
      paragraphs.push(content.length > 0 ? { type: "paragraph", content } : { type: "paragraph" });
      continue;
    }
    for (let i = children.length - 1; i >= 0; i--) pending.push(children[i]!);
  }
  return paragraphs;
}

function blocks(parent: PmNode): Content[] {
  const content: Content[] = [];
  parent.forEach((node) => content.push(block(node)));
  return content;
}

function block(node: PmNode): Content {
  switch (node.type.name) {
    case "heading": {
      const level = Math.min(Math.max(Number(node.attrs.level) || 1, 1), 3);
      return { text: inlines(node), style: `richHeading${level}` };
    }
    case "bulletList":
      return { ul: listItems(node), style: "list" };
    case "orderedList":
      return { ol: listItems(node), start: Number(node.attrs.start) || 1, style: "list" };
    case "blockquote":
      return { stack: blocks(node), style: "quote" };
    case "codeBlock":
      return { text: breakable(node.textContent), style: "code", preserveLeadingSpaces: true };
    case "horizontalRule":
      return {
        canvas: [{ type: "line", x1: 0, y1: 0, x2: 483, y2: 0, lineWidth: 0.5, lineColor: "#b1b4b6" }],
        margin: [0, 6, 0, 6],
      };
    case "paragraph":
      return { text: node.childCount === 0 ? " " : inlines(node), style: "paragraph" };
    case "table":
      return table(node);
    default:
      return { text: breakable(node.textContent), style: "paragraph" };
  }
}

/** A narrative's table; merged cells are not merged in the PDF, and short rows are padded. */
function table(node: PmNode): Content {
  const rows: Content[][] = [];
  node.forEach((row) => {
    const cells: Content[] = [];
    row.forEach((cell) =>
      cells.push({ stack: blocks(cell), bold: cell.type.name === "tableHeader", fontSize: 9 } as Content),
    );
    rows.push(cells);
  });
  const columns = Math.max(1, ...rows.map((row) => row.length));
  const body = rows.map((row) => [...row, ...Array.from({ length: columns - row.length }, () => "")]);
  if (body.length === 0) return { text: " ", style: "paragraph" };
  return {
    table: { headerRows: 0, dontBreakRows: true, widths: Array.from({ length: columns }, () => "*"), body },
    layout: {
      hLineWidth: () => 0.5,
      vLineWidth: () => 0.5,
      hLineColor: () => "#b1b4b6",
      vLineColor: () => "#b1b4b6",
    },
    margin: [0, 0, 0, 6],
  };
}

function listItems(list: PmNode): Content[] {
  const items: Content[] = [];
  list.forEach((item) => {
    const content = blocks(item);
    items.push(content.length === 1 ? content[0]! : { stack: content });
  });
  return items;
}

function inlines(node: PmNode): ContentText[] {
  const runs: ContentText[] = [];
  node.forEach((child) => {
    if (child.type.name === "hardBreak") runs.push({ text: "\n" });
    else if (child.isText) runs.push(styledRun(child.text ?? "", child.marks));
  });
  return runs;
}

function styledRun(text: string, marks: readonly Mark[]): ContentText {
  const run: ContentText = { text: breakable(text) };
  const decorations: ("underline" | "lineThrough")[] = [];
  for (const mark of marks) {
    switch (mark.type.name) {
      case "bold":
        run.bold = true;
        break;
      case "italic":
        run.italics = true;
        break;
      case "underline":
        decorations.push("underline");
        break;
      case "strike":
        decorations.push("lineThrough");
        break;
      case "code":
        run.background = "#f3f2f1";
        break;
      case "link": {
        const href = String(mark.attrs.href ?? "");
        // Only web and mail links become live links; anything else stays visible text.
        if (SAFE_LINK.test(href)) {
          run.link = href;
          run.color = "#1d4f91";
          decorations.push("underline");
        }
        break;
      }
    }
  }
  if (decorations.length === 1) run.decoration = decorations[0];
  else if (decorations.length > 1) run.decoration = decorations;
  return run;
}
