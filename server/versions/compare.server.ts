import { diffArrays } from "diff";
import { budgetTotals, type BudgetData, type BudgetTotals } from "../../app/shared/budget";
import type { TemplateSection } from "../../app/shared/template-schema";
import { COMPARE_LIMITS } from "../limits.server";
import type { PmNode, PmText } from "../plans/plan-content.server";
import type { PlanContent, SectionContent } from "./version-content.server";

export interface TextChange {
  kind: "same" | "added" | "removed";
  text: string;
  /** On unchanged words whose formatting changed: the marks before and after. */
  marks?: { from: string[]; to: string[] };
}

export interface CellChange {
  id: string;
  /** The row as people know it: its first filled-in text cell. */
  row: string;
  field: string;
  from: unknown;
  to: unknown;
}

export interface SectionComparison {
  key: string;
  title: string;
  changed: boolean;
  text: TextChange[];
  rows: { added: Record<string, unknown>[]; removed: Record<string, unknown>[]; changed: CellChange[] };
  /** Budget sections: the totals on each side. */
  totals?: { from: BudgetTotals; to: BudgetTotals };
}

/**
 * Two readings of a plan, section by section in template order. The word diffs of all the
 * sections share one budget (`COMPARE_LIMITS.wholeCompareMs`): once it is spent, the sections
 * left are shown as replaced, so a compare of many rewritten sections holds up the server no
 * longer than one.
 */
export function comparePlans(
  sections: readonly Pick<TemplateSection, "key" | "title" | "kind">[],
  from: PlanContent,
  to: PlanContent,
  budgetMs: number = COMPARE_LIMITS.wholeCompareMs,
): { sections: SectionComparison[] } {
  const deadline = performance.now() + budgetMs;
  return {
    sections: sections.map((section) =>
      compareSection(section, from.sections[section.key], to.sections[section.key], deadline),
    ),
  };
}

const EMPTY: SectionContent = { richText: { type: "doc", content: [] }, text: "", data: {}, contentHash: "" };

function compareSection(
  section: Pick<TemplateSection, "key" | "title" | "kind">,
  from: SectionContent = EMPTY,
  to: SectionContent = EMPTY,
  deadline = Infinity,
): SectionComparison {
  const changed = from.contentHash !== to.contentHash;
  return {
    key: section.key,
    title: section.title,
    changed,
    text: !changed
      ? sameText(to.text)
      : performance.now() < deadline
        ? compareText(from.richText, to.richText, deadline)
        : replacedText(from.text, to.text),
    rows: changed ? compareRows(rowsOf(from.data), rowsOf(to.data)) : { added: [], removed: [], changed: [] },
    ...(section.kind === "budget"
      ? {
          totals: {
            from: budgetTotals(from.data as unknown as BudgetData),
            to: budgetTotals(to.data as unknown as BudgetData),
          },
        }
      : {}),
  };
}

function sameText(text: string): TextChange[] {
  return text === "" ? [] : [{ kind: "same", text }];
}

/** A section shown as rewritten: its whole text out, its whole text in. */
function replacedText(before: string, after: string): TextChange[] {
  return [
    ...(before !== "" ? [{ kind: "removed" as const, text: before }] : []),
    ...(after !== "" ? [{ kind: "added" as const, text: after }] : []),
  ];
}

/**
 * Word diffs cost time in proportion to the text times the edits (Myers), and run on the event
 * loop: a section rewritten past these bounds is shown as replaced rather than diffed word by word.
 */
const MAX_EDIT_LENGTH = 5000;
const COMPARE_TIMEOUT_MS = 250;

interface Token {
  text: string;
  marks: string;
}

/**
 * Word by word: the text is cut into words, spaces and line breaks, each carrying its marks;
 * words are matched on their text alone, so a word whose formatting changed is `same` with its
 * marks before and after rather than removed and added again.
 */
export function compareText(from: PmNode, to: PmNode, deadline = Infinity): TextChange[] {
  const before = tokens(from);
  const after = tokens(to);
  const out: TextChange[] = [];
  const push = (change: TextChange) => {
    const last = out.at(-1);
    if (last && last.kind === change.kind && !last.marks && !change.marks) last.text += change.text;
    else out.push(change);
  };
  const remainingMs = Math.min(COMPARE_TIMEOUT_MS, deadline - performance.now());
  const parts =
    remainingMs > 0
      ? diffArrays(before, after, {
          comparator: (a, b) => a.text === b.text,
          maxEditLength: MAX_EDIT_LENGTH,
          timeout: remainingMs,
        })
      : undefined;
  // Past the bounds the section is shown as rewritten: whole text out, whole text in.
  if (!parts) {
    const text = (tokens: Token[]) => tokens.map((token) => token.text).join("");
    return replacedText(text(before), text(after));
  }
  const changes: TextChange[] = [];
  let i = 0;
  let j = 0;
  for (const part of parts) {
    const count = part.count ?? part.value.length;
    if (part.added) {
      for (let k = 0; k < count; k++) changes.push({ kind: "added", text: after[j + k]!.text });
      j += count;
    } else if (part.removed) {
      for (let k = 0; k < count; k++) changes.push({ kind: "removed", text: before[i + k]!.text });
      i += count;
    } else {
      for (let k = 0; k < count; k++) {
        const old = before[i + k]!;
        const now = after[j + k]!;
        changes.push(
          old.marks === now.marks || old.text.trim() === ""
            ? { kind: "same", text: now.text }
            : { kind: "same", text: now.text, marks: { from: markList(old.marks), to: markList(now.marks) } },
        );
      }
      i += count;
      j += count;
    }
  }
  for (const block of byBlock(changes)) for (const change of readable(block)) push(change);
  return out;
}

/** The changes cut into text blocks, at the line breaks both versions share. */
function byBlock(changes: TextChange[]): TextChange[][] {
  const blocks: TextChange[][] = [[]];
  for (const change of changes) {
    blocks.at(-1)!.push(change);
    if (change.kind === "same" && change.text === "\n") blocks.push([]);
  }
  return blocks;
}

/**
 * A block most of whose words changed reads as its old text struck out and its new text after
 * it: interleaved word by word it reads as nonsense ("PastedTom fromreplaced Word"). A block
 * with a few changed words keeps them in place.
 */
function readable(block: TextChange[]): TextChange[] {
  const words = (kind: TextChange["kind"]) =>
    block.filter((change) => change.kind === kind && /[\p{L}\p{N}]/u.test(change.text)).length;
  const same = words("same");
  const changed = words("added") + words("removed");
  if (changed === 0 || changed / 2 <= same) return block;
  const newline = block.at(-1)?.kind === "same" && block.at(-1)?.text === "\n" ? block.pop() : undefined;
  const text = (kind: "removed" | "added") =>
    block
      .filter((change) => change.kind === "same" || change.kind === kind)
      .map((change) => change.text)
      .join("");
  return [...replacedText(text("removed"), text("added")), ...(newline ? [newline] : [])];
}

/** A word, a run of spaces, or any other single character (punctuation). */
const WORD = /[\p{L}\p{N}_'’]+|\s+|./gsu;

/** Where a table row passes from one cell to the next. */
const CELL_BREAK = { type: "cellBreak" } as const;
const CELL_DIVIDER = " | ";

/**
 * The rich text as tokens, one line per text block as the plain text has it, except that a
 * table keeps a row to a line, its cells divided by " | ": cell by cell, a table read as a
 * column of mostly empty lines.
 */
function tokens(doc: PmNode): Token[] {
  const out: Token[] = [];
  let blocks = 0;
  let divider = "\n";
  const stack: (PmNode | PmText | typeof CELL_BREAK)[] = [...(doc.content ?? [])].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node === CELL_BREAK) {
      divider = CELL_DIVIDER;
      continue;
    }
    if (node.type === "text") continue;
    const children = (node as PmNode).content ?? [];
    const isTextBlock = children.length === 0 || children.some((child) => child.type === "text");
    if (!isTextBlock) {
      for (let k = children.length - 1; k >= 0; k--) {
        stack.push(children[k]!);
        if (node.type === "tableRow" && k > 0) stack.push(CELL_BREAK);
      }
      continue;
    }
    if (blocks++ > 0) out.push({ text: divider, marks: "" });
    divider = "\n";
    for (const child of children) {
      if (child.type === "hardBreak") out.push({ text: "\n", marks: "" });
      if (child.type !== "text") continue;
      const marks = ((child as PmText).marks ?? [])
        .map((mark) => (mark.type === "link" ? `link ${String(mark.attrs?.href ?? "")}` : mark.type))
        .sort()
        .join("|");
      for (const word of (child as PmText).text.match(WORD) ?? []) out.push({ text: word, marks });
    }
  }
  return out;
}

function markList(marks: string): string[] {
  return marks === "" ? [] : marks.split("|");
}

type RowJson = Record<string, unknown>;

function rowsOf(data: Record<string, unknown>): RowJson[] {
  const rows = data.rows;
  return Array.isArray(rows) ? rows.filter((row): row is RowJson => typeof row === "object" && row !== null) : [];
}

/** Rows matched by id; a changed row lists each cell (a budget amount as `amounts.<year>`). */
export function compareRows(from: RowJson[], to: RowJson[]): SectionComparison["rows"] {
  const before = new Map(from.map((row) => [String(row.id), row]));
  const after = new Map(to.map((row) => [String(row.id), row]));
  const changed: CellChange[] = [];
  for (const [id, now] of after) {
    const old = before.get(id);
    if (!old) continue;
    const cellsBefore = cells(old);
    const cellsAfter = cells(now);
    for (const field of new Set([...cellsBefore.keys(), ...cellsAfter.keys()])) {
      const a = cellsBefore.get(field) ?? null;
      const b = cellsAfter.get(field) ?? null;
      if (a !== b) changed.push({ id, row: rowLabel(now) || rowLabel(old), field, from: a, to: b });
    }
  }
  return {
    added: to.filter((row) => !before.has(String(row.id))),
    removed: from.filter((row) => !after.has(String(row.id))),
    changed,
  };
}

function rowLabel(row: RowJson): string {
  const skip = new Set(["id", "rowType", "treatment", "scope", "status", "providerSector", "assetType", "due"]);
  const first = Object.entries(row).find(
    ([name, value]) => !skip.has(name) && typeof value === "string" && value !== "",
  );
  return first ? String(first[1]) : "";
}

function cells(row: RowJson): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [name, value] of Object.entries(row)) {
    if (name === "id") continue;
    if (name === "amounts" && typeof value === "object" && value !== null) {
      for (const [year, pence] of Object.entries(value)) out.set(`amounts.${year}`, pence);
    } else if (value !== "" && value !== null && value !== undefined) {
      out.set(name, typeof value === "object" ? JSON.stringify(value) : value);
    }
  }
  return out;
}
