import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getDocumentProxy } from "unpdf";

/** One element of a PDF's structure tree as `pdfinfo -struct` prints it. */
export interface StructNode {
  type: string;
  /** Attribute lines such as `/Scope /Column`. */
  attributes: string[];
  children: StructNode[];
}

export function pdfFile(pdf: Uint8Array, name = "document.pdf"): string {
  const file = join(mkdtempSync(join(tmpdir(), "coplan-structure-")), name);
  writeFileSync(file, pdf);
  return file;
}

/** The structure tree, read from poppler's `pdfinfo -struct` (an independent reader of the file). */
export function structureTree(pdf: Uint8Array): StructNode {
  const output = execFileSync("pdfinfo", ["-struct", pdfFile(pdf)], { encoding: "utf8", maxBuffer: 256 << 20 });
  const root: StructNode = { type: "StructTreeRoot", attributes: [], children: [] };
  const stack: { depth: number; node: StructNode }[] = [{ depth: -1, node: root }];
  for (const line of output.split("\n")) {
    if (line.trim() === "") continue;
    const depth = line.length - line.trimStart().length;
    const text = line.trim();
    while (stack.length > 1 && stack.at(-1)!.depth >= depth) stack.pop();
    const parent = stack.at(-1)!.node;
    if (text.startsWith("/")) {
      parent.attributes.push(text);
      continue;
    }
    if (/^Object \d+ \d+$/.test(text)) continue;
    const node: StructNode = { type: /^[A-Za-z0-9]+/.exec(text)?.[0] ?? text, attributes: [], children: [] };
    parent.children.push(node);
    stack.push({ depth, node });
  }
  return root;
}

function* walk(node: StructNode): Generator<StructNode> {
  yield node;
  for (const child of node.children) yield* walk(child);
}

interface MarkedItem {
  type?: string;
  tag?: string;
  id?: string | null;
  str?: string;
}

interface StructJson {
  id?: string;
  type?: string;
  children?: StructJson[];
}

/** Text on each page that is neither inside marked content a structure element owns nor an artifact. */
async function untaggedText(pdf: Uint8Array): Promise<string[]> {
  const document = await getDocumentProxy(pdf.slice());
  const problems: string[] = [];
  for (let number = 1; number <= document.numPages; number++) {
    const page = await document.getPage(number);
    const owned = new Set<string>();
    const pending: StructJson[] = [(await page.getStructTree()) as StructJson];
    for (let node = pending.pop(); node; node = pending.pop()) {
      if (node.type === "content" && node.id) owned.add(node.id);
      pending.push(...(node.children ?? []));
    }
    const content = await page.getTextContent({ includeMarkedContent: true });
    const open: MarkedItem[] = [];
    for (const item of content.items as MarkedItem[]) {
      if (item.type === "beginMarkedContent" || item.type === "beginMarkedContentProps") open.push(item);
      else if (item.type === "endMarkedContent") open.pop();
      else if (item.str && item.str.trim() !== "") {
        const tagged = open.some((mark) => mark.tag === "Artifact" || (mark.id && owned.has(mark.id)));
        if (!tagged) problems.push(`page ${number}: untagged text "${item.str.slice(0, 40)}"`);
      }
    }
  }
  await document.cleanup();
  return problems;
}

/**
 * The checks a PDF/UA validator would make that matter most to a screen reader, run on the
 * file: headings start at H1 and never skip a level on the way down; every table's first row
 * is header cells and every header cell has a Scope; lists are L > LI > (Lbl, LBody); all text
 * belongs to a structure element or is an artifact; the document has a language, shows its
 * title, and says it is PDF/UA-1. Returns the problems found (none for a good file).
 */
export async function pdfUaProblems(pdf: Uint8Array): Promise<string[]> {
  const problems: string[] = [];
  const tree = structureTree(pdf);
  const nodes = [...walk(tree)];
  if (tree.children.length === 0) problems.push("the structure tree is empty");

  const headings = nodes.filter((node) => /^H[1-6]$/.test(node.type)).map((node) => Number(node.type.slice(1)));
  if (headings[0] !== 1) problems.push(`the first heading is H${headings[0] ?? " (none)"}, not H1`);
  headings.forEach((level, index) => {
    if (index > 0 && level > headings[index - 1]! + 1)
      problems.push(`heading ${index + 1} is H${level} right after H${headings[index - 1]}`);
  });

  nodes
    .filter((node) => node.type === "Table")
    .forEach((table, index) => {
      const rows = table.children.filter((child) => child.type === "TR");
      if (rows.length === 0 || rows.length !== table.children.length)
        problems.push(`table ${index + 1} holds something other than rows`);
      const first = rows[0]?.children ?? [];
      if (first.length === 0 || first.some((cell) => cell.type !== "TH"))
        problems.push(`table ${index + 1}: its first row is not all header cells`);
      for (const row of rows)
        if (row.children.some((cell) => cell.type !== "TH" && cell.type !== "TD"))
          problems.push(`table ${index + 1}: a row holds something other than cells`);
    });
  for (const cell of nodes.filter((node) => node.type === "TH"))
    if (!cell.attributes.some((attribute) => /^\/Scope \/(Row|Column|Both)$/.test(attribute)))
      problems.push("a header cell has no Scope");

  for (const list of nodes.filter((node) => node.type === "L")) {
    if (list.children.length === 0 || list.children.some((item) => item.type !== "LI"))
      problems.push("a list holds something other than list items");
    for (const item of list.children.filter((child) => child.type === "LI"))
      if (!item.children.some((child) => child.type === "LBody")) problems.push("a list item has no LBody");
  }

  problems.push(...(await untaggedText(pdf)));

  const raw = Buffer.from(pdf).toString("latin1");
  if (!/\/Lang \(en-GB\)/.test(raw)) problems.push("the document's language is not en-GB");
  if (!/\/DisplayDocTitle true/.test(raw)) problems.push("the window does not show the document's title");
  if (!/<pdfuaid:part>1<\/pdfuaid:part>/.test(raw)) problems.push("the metadata does not say PDF/UA-1 (pdfuaid:part)");
  if (!/\/MarkInfo/.test(raw)) problems.push("the document is not marked as tagged");
  // pdfkit writes no object streams, so each annotation's dictionary is in the file as it is.
  const links = raw.match(/<<[^<>]*\/Subtype \/Link[^<>]*>>/g) ?? [];
  for (const link of links)
    if (!/\/Contents \((?!\))/.test(link)) problems.push("a link annotation has no alternative text (Contents)");
  return problems;
}

/** The elements of some types, in reading order. */
export function elementsOf(pdf: Uint8Array, ...types: string[]): StructNode[] {
  return [...walk(structureTree(pdf))].filter((node) => types.includes(node.type));
}

/** What `pdfinfo -struct-text` reads out: each element's text, in the structure tree's order. */
export function structText(pdf: Uint8Array): string {
  return execFileSync("pdfinfo", ["-struct-text", pdfFile(pdf)], { encoding: "utf8", maxBuffer: 256 << 20 });
}
