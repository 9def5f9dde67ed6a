import { getSchema } from "@tiptap/core";
import { Node as PmNode, type Mark } from "@tiptap/pm/model";
import { richTextExtensions } from "../../app/shared/editor-extensions";
import type { PmNode as PmJson, PmText } from "../plans/plan-content.server";
import type { Block, Run } from "./document-model.server";

/** The editors' own schema: the documents show what the editor shows, and nothing it would not. */
const schema = getSchema(richTextExtensions);

const SAFE_LINK = /^(https?:|mailto:)/i;

/**
 * Block nesting deeper than this (a quote in a list in a quote ...) is flattened: the node at
 * this depth keeps its text as plain paragraphs. An editor can store content thousands of levels
 * deep; ProseMirror and the renderers recurse once per level and would run out of stack.
 */
export const MAX_NESTING = 20;

type PmChild = PmJson | PmText;

/**
 * A section's rich text (ProseMirror JSON) as document blocks, headings still at the editor's
 * level (the caller nests them under the section). The JSON is read with the editor schema;
 * nodes or marks it does not know (a client may write anything into the Y.Doc) keep their text
 * and lose their formatting.
 */
export function richTextBlocks(json: PmJson): Block[] {
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

function blocks(parent: PmNode): Block[] {
  const content: Block[] = [];
  parent.forEach((node) => {
    const converted = block(node);
    if (converted) content.push(converted);
  });
  return content;
}

function block(node: PmNode): Block | null {
  switch (node.type.name) {
    case "heading":
      return { type: "heading", level: Number(node.attrs.level) || 1, text: node.textContent };
    case "bulletList":
    case "orderedList":
      return {
        type: "list",
        ordered: node.type.name === "orderedList",
        start: Number(node.attrs.start) || 1,
        items: listItems(node),
      };
    case "blockquote":
      return { type: "quote", blocks: blocks(node) };
    case "codeBlock":
      return { type: "paragraph", runs: [{ text: node.textContent, code: true }], style: "code" };
    case "horizontalRule":
      return { type: "rule" };
    case "paragraph": {
      const runs = inlines(node);
      // An empty paragraph is only space in the editor; the layout's own spacing replaces it.
      return runs.length === 0 ? null : { type: "paragraph", runs, style: "body" };
    }
    case "table":
      return table(node);
    default:
      return node.textContent ? { type: "paragraph", runs: [{ text: node.textContent }], style: "body" } : null;
  }
}

/**
 * A narrative's table; merged cells are not merged, short rows are padded, and its first row
 * is the header row (a table a reader can navigate needs one).
 */
function table(node: PmNode): Block | null {
  const rows: string[][] = [];
  node.forEach((row) => {
    const cells: string[] = [];
    row.forEach((cell) => {
      const lines: string[] = [];
      cell.forEach((child) => lines.push(child.textContent));
      cells.push(lines.join("\n"));
    });
    rows.push(cells);
  });
  if (rows.length === 0) return null;
  const columns = Math.max(1, ...rows.map((row) => row.length));
  const padded = rows.map((row) => [...row, ...Array.from({ length: columns - row.length }, () => "")]);
  return {
    type: "table",
    table: {
      columns: padded[0]!.map((label) => ({ label })),
      rows: padded.slice(1).map((cells) => ({ cells })),
    },
  };
}

function listItems(list: PmNode): Block[][] {
  const items: Block[][] = [];
  list.forEach((item) => items.push(blocks(item)));
  return items;
}

function inlines(node: PmNode): Run[] {
  const runs: Run[] = [];
  node.forEach((child) => {
    if (child.type.name === "hardBreak") runs.push({ text: "\n" });
    else if (child.isText && child.text) runs.push(styledRun(child.text, child.marks));
  });
  return runs;
}

function styledRun(text: string, marks: readonly Mark[]): Run {
  const run: Run = { text };
  for (const mark of marks) {
    switch (mark.type.name) {
      case "bold":
        run.bold = true;
        break;
      case "italic":
        run.italic = true;
        break;
      case "underline":
        run.underline = true;
        break;
      case "strike":
        run.strike = true;
        break;
      case "code":
        run.code = true;
        break;
      case "link": {
        const href = String(mark.attrs.href ?? "");
        // Only web and mail links become live links; anything else stays visible text.
        if (SAFE_LINK.test(href)) run.link = href;
        break;
      }
    }
  }
  return run;
}
