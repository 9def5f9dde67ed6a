import { getSchema } from "@tiptap/core";
import { Node as PmNode, type Mark } from "@tiptap/pm/model";
import type { Content, ContentText } from "pdfmake/interfaces";
import { richTextExtensions } from "../../app/lib/editor-extensions";
import type { PmNode as PmJson } from "../plan-content.server";
import { breakable } from "./breakable.server";

/** The editors' own schema: the PDF shows what the editor shows, and nothing it would not. */
const schema = getSchema(richTextExtensions);

const SAFE_LINK = /^(https?:|mailto:)/i;

/**
 * A section's rich text (ProseMirror JSON) as pdfmake content. The JSON is read with the
 * editor schema; nodes or marks it does not know (a client may write anything into the Y.Doc)
 * keep their text and lose their formatting.
 */
export function richTextToPdf(json: PmJson): Content[] {
  return blocks(readWithSchema(json));
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

/** Fallback for content the schema refuses: one plain paragraph per text block. */
function plainParagraphs(json: PmJson): object[] {
  const paragraphs: object[] = [];
  const visit = (node: PmJson | { type: string; text?: string }) => {
    const children = "content" in node && node.content ? node.content : [];
    if (children.some((child) => child.type === "text")) {
      const text = children.map((child) => ("text" in child ? child.text : "")).join("");
      paragraphs.push(text ? { type: "paragraph", content: [{ type: "text", text }] } : { type: "paragraph" });
      return;
    }
    children.forEach(visit);
  };
  visit(json);
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
      return { canvas: [{ type: "line", x1: 0, y1: 0, x2: 483, y2: 0, lineWidth: 0.5, lineColor: "#b1b4b6" }], margin: [0, 6, 0, 6] };
    case "paragraph":
      return { text: node.childCount === 0 ? " " : inlines(node), style: "paragraph" };
    default:
      return { text: breakable(node.textContent), style: "paragraph" };
  }
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
