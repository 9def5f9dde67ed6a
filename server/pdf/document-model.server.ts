/**
 * The plan's content as one format-neutral document: headings, paragraphs of styled runs, lists
 * and tables with their header cells. The PDF and the Word copy are both drawn from it, so they
 * hold the same content in the same order.
 */

export interface Run {
  text: string;
  bold?: boolean;
  italic?: boolean;
  underline?: boolean;
  strike?: boolean;
  code?: boolean;
  /** A web or mail link (only `https?:` and `mailto:` ever get here). */
  link?: string;
  tone?: "muted" | "alert" | "ok";
}

/** How a paragraph looks; every style is still a paragraph to a screen reader. */
export type ParagraphStyle = "body" | "kind" | "empty" | "code" | "small" | "cover" | "coverArea";

export type Block =
  /** Level 3 to 6 inside a section (the plan title is 1, a section 2). */
  | { type: "heading"; level: number; text: string; label?: boolean }
  | { type: "paragraph"; runs: Run[]; style: ParagraphStyle; indent?: number }
  | { type: "list"; ordered: boolean; start: number; items: Block[][] }
  | { type: "quote"; blocks: Block[] }
  | { type: "table"; table: Table }
  | { type: "rule" };

export interface Column {
  label: string;
  /** Amounts are right-aligned and as wide as their widest figure; text shares what is left. */
  amount?: boolean;
}

export interface TableRow {
  cells: string[];
  /** A totals row: set in bold. */
  total?: boolean;
}

export interface Table {
  columns: Column[];
  rows: TableRow[];
  /** The first cell of each row names the row (a total's label): a row header. */
  rowHeaders?: boolean;
  /** Many columns: set smaller. */
  dense?: boolean;
}

export interface DocumentSection {
  /** "3. Governance" */
  title: string;
  /** Nothing written and no rows: shown as a short block that shares a page with its neighbours. */
  empty: boolean;
  blocks: Block[];
}

export interface PlanDocument {
  title: string;
  area: string;
  /** Author in the metadata: the plan is the area's, not whoever pressed Export. */
  author: string;
  subject: string;
  final: boolean;
  /** The cover's lines under the title, in reading order. */
  cover: Run[][];
  sections: DocumentSection[];
  /** After the sections: the sign-off record always, then the comments when asked for. */
  appendices: DocumentSection[];
}

const MIN_LEVEL = 3;
const MAX_LEVEL = 6;

/**
 * Headings that never skip a level on the way down (a reader's heading list stays a tree):
 * each is at most one deeper than the one before it, and between `first` and 6.
 */
export function nestHeadings(blocks: Block[], first = MIN_LEVEL): Block[] {
  let previous = first - 1;
  const walk = (list: Block[]): Block[] =>
    list.map((block) => {
      if (block.type === "heading") {
        const level = Math.min(Math.max(block.level, first), previous + 1, MAX_LEVEL);
        previous = level;
        return { ...block, level };
      }
      if (block.type === "list") return { ...block, items: block.items.map(walk) };
      if (block.type === "quote") return { ...block, blocks: walk(block.blocks) };
      return block;
    });
  return walk(blocks);
}

/** The text of some runs, as a screen reader or a table cell would have it. */
export function runsText(runs: Run[]): string {
  return runs.map((run) => run.text).join("");
}

/**
 * Text without control characters other than line breaks: they have no glyph in the PDF and
 * are not allowed in Word's XML, and a plan may hold any string.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  return text.replace(/[\u0000-\u0009\u000b-\u001f\u007f\ufffe\uffff]/g, " ");
}
