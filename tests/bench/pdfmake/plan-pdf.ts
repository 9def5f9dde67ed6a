import type { Content, TableCell, TDocumentDefinitions } from "pdfmake/interfaces";
import type * as Y from "yjs";
import { formatDateTime, formatLongDate } from "../../../app/shared/dates";
import { budgetTotals, formatPounds, type BudgetData, type TotalLine } from "../../../app/shared/budget";
import { SIDE_LABEL } from "../../../app/shared/permissions";
import type { CommentView, PlanSignoffView, SectionSignoffView } from "../../../app/shared/plan-events";
import {
  BUDGET_ASSET_FIELDS,
  BUDGET_FUNDING_FIELDS,
  MILESTONE_STATUSES,
  SECTION_KIND_LABEL,
  STRUCTURED_FIELDS,
  isStructuredKind,
  type FieldDef,
} from "../../../app/shared/structured-fields";
import type { SectionKind, TemplateSection } from "../../../app/shared/template-schema";
import type { Plan } from "../../../db/schema";
import { sectionData, sectionRichTextJson } from "../../../server/plans/plan-content.server";
import { breakable } from "./breakable";
import { richTextToPdf } from "./rich-text";

export interface PlanPdfInput {
  plan: Plan;
  doc: Y.Doc;
  signoffs: PlanSignoffView;
  /** The comment threads for the appendix, or null to leave it out. */
  comments: CommentView[] | null;
  exportedAt: Date;
  exportedBy: string;
  /** Set when a version is exported rather than the plan now: named on the cover. */
  version?: { title: string; createdAt: Date } | null;
}

const INK = "#0b0c0c";
const MUTED = "#505a5f";
const BRAND = "#1d4f91";
const LINE = "#b1b4b6";

/**
 * The plan as a document a department would publish: cover, contents with page numbers, every
 * section in template order with its narrative, its structured table and its sign-off record,
 * and optionally the comment threads. A DRAFT mark sits on every page until the plan is final.
 */
export function planPdfDefinition(input: PlanPdfInput): TDocumentDefinitions {
  const { plan, signoffs } = input;
  const final = signoffs.status === "final";
  const empty = plan.template.sections.map((section) => isEmptySection(input, section));
  return {
    pageSize: "A4",
    pageMargins: [56, 64, 56, 60],
    // Marked as tagged with its language, and readers show the title rather than the file name.
    // pdfmake writes no structure elements, so this is not yet a full PDF/UA tag tree.
    version: "1.7",
    tagged: true,
    language: "en-GB",
    displayTitle: true,
    info: {
      title: plan.title,
      // The plan is the area's: its author is the area, not whoever pressed Export.
      author: plan.area,
      subject: `${plan.template.title}: ${plan.area}. Exported by ${input.exportedBy}`,
      creator: "Coplan",
      producer: "Coplan",
    },
    header: () => ({
      columns: [
        { text: plan.title, style: "runningHead" },
        { text: final ? "" : "DRAFT", style: "runningHead", alignment: "right", bold: true },
      ],
      margin: [56, 28, 56, 0],
    }),
    footer: (currentPage, pageCount) => ({
      text: `Page ${currentPage} of ${pageCount}`,
      style: "runningHead",
      alignment: "center",
      margin: [56, 20, 56, 0],
    }),
    watermark: final ? undefined : { text: "DRAFT", color: "#b3261e", opacity: 0.07, bold: true, fontSize: 120 },
    content: [
      cover(input),
      {
        toc: { title: { text: "Contents", style: "h1" }, numberStyle: { bold: true } },
        pageBreak: "after",
      },
      ...plan.template.sections.flatMap((section, index) =>
        // A section with nothing in it yet shares a page with its empty neighbours.
        empty[index]
          ? emptySection(input, section, index, index > 0 && !empty[index - 1])
          : sectionContent(input, section, index),
      ),
      ...(input.comments ? commentsAppendix(input.comments, plan.template.sections) : []),
    ],
    defaultStyle: { font: "Roboto", fontSize: 10.5, lineHeight: 1.25, color: INK },
    styles: {
      runningHead: { fontSize: 8.5, color: MUTED },
      coverArea: { fontSize: 14, color: MUTED, bold: true },
      coverTitle: { fontSize: 30, bold: true, color: BRAND, lineHeight: 1.1 },
      coverMeta: { fontSize: 11, color: INK },
      h1: { fontSize: 18, bold: true, color: BRAND, margin: [0, 0, 0, 8] },
      h2: { fontSize: 12.5, bold: true, color: INK, margin: [0, 12, 0, 6] },
      kind: { fontSize: 9, color: MUTED, margin: [0, 0, 0, 10] },
      richHeading1: { fontSize: 14, bold: true, margin: [0, 8, 0, 4] },
      richHeading2: { fontSize: 12.5, bold: true, margin: [0, 8, 0, 4] },
      richHeading3: { fontSize: 11, bold: true, margin: [0, 6, 0, 3] },
      paragraph: { margin: [0, 0, 0, 6] },
      list: { margin: [0, 0, 0, 6] },
      quote: { italics: true, color: MUTED, margin: [16, 0, 0, 6] },
      code: { fontSize: 9, background: "#f3f2f1", margin: [0, 0, 0, 6] },
      tableHeader: { bold: true, fontSize: 8.5, color: MUTED, fillColor: "#f3f2f1" },
      tableCell: { fontSize: 9 },
      amount: { fontSize: 9, alignment: "right" },
      totalCell: { fontSize: 9, bold: true },
      empty: { italics: true, color: MUTED, margin: [0, 0, 0, 6] },
      signoffHeading: { fontSize: 9, bold: true, color: MUTED, margin: [0, 14, 0, 4] },
      quoteText: { italics: true, color: MUTED },
    },
  };
}

function cover({ plan, signoffs, exportedAt, version }: PlanPdfInput): Content {
  return {
    stack: [
      { text: plan.area, style: "coverArea", margin: [0, 120, 0, 12] },
      { text: plan.title, style: "coverTitle", margin: [0, 0, 0, 24] },
      { text: plan.template.title, style: "coverMeta", margin: [0, 0, 0, 4] },
      ...(version
        ? [
            {
              text: [
                { text: "Version: ", bold: true },
                `${version.title}, as it was on ${formatLongDate(version.createdAt)}`,
              ],
              style: "coverMeta",
              margin: [0, 0, 0, 4] as [number, number, number, number],
            },
          ]
        : []),
      { text: `Exported ${formatLongDate(exportedAt)}`, style: "coverMeta", margin: [0, 0, 0, 4] },
      {
        text: [
          { text: "Status: ", bold: true },
          signoffs.status === "final" ? "Final" : "Draft",
          ` (${signoffs.signed} of ${signoffs.total} sections signed off)`,
        ],
        style: "coverMeta",
      },
    ],
    pageBreak: "after",
  };
}

/** An empty editor holds one empty paragraph; anything else (a list or a quote alone too) is written. */
function hasText(narrative: Content[]): boolean {
  return narrative.some((block) => !(typeof block === "object" && "text" in block && block.text === " "));
}

/** Nothing written and no rows: the section is only its heading, a "not yet" line and its sign-off. */
function isEmptySection(input: PlanPdfInput, section: TemplateSection): boolean {
  if (hasText(richTextToPdf(sectionRichTextJson(input.doc, section.key)))) return false;
  if (!isStructuredKind(section.kind)) return true;
  const rows = sectionData(input.doc, section.key).rows;
  return !Array.isArray(rows) || rows.length === 0;
}

function sectionHeading(title: string, margin?: [number, number, number, number]) {
  return { text: title, style: "h1", tocItem: true, outline: true, outlineText: title, margin } satisfies Content;
}

/**
 * A section with nothing in it yet: its heading, one line saying so and its sign-off, kept
 * together, and sharing a page with the empty sections around it rather than taking one each.
 */
function emptySection(input: PlanPdfInput, section: TemplateSection, index: number, newPage: boolean): Content {
  const first = index === 0 || newPage;
  return {
    unbreakable: true,
    pageBreak: newPage ? "before" : undefined,
    stack: [
      sectionHeading(`${index + 1}. ${section.title}`, [0, first ? 0 : 20, 0, 4]),
      { text: SECTION_KIND_LABEL[section.kind], style: "kind", margin: [0, 0, 0, 4] },
      { text: "Not yet written.", style: "empty" },
      signoffRecord(input.signoffs.sections[section.key]!),
    ],
  };
}

function sectionContent(input: PlanPdfInput, section: TemplateSection, index: number): Content[] {
  const title = `${index + 1}. ${section.title}`;
  const narrative = richTextToPdf(sectionRichTextJson(input.doc, section.key));
  const hasNarrative = hasText(narrative);
  return [
    {
      ...sectionHeading(title),
      pageBreak: index === 0 ? undefined : "before",
    },
    { text: SECTION_KIND_LABEL[section.kind], style: "kind" },
    ...(isStructuredKind(section.kind) ? structured(section.kind, sectionData(input.doc, section.key)) : []),
    ...(isStructuredKind(section.kind) ? [{ text: "Narrative", style: "h2" } as Content] : []),
    ...(hasNarrative ? narrative : [{ text: "No narrative written yet.", style: "empty" } as Content]),
    signoffRecord(input.signoffs.sections[section.key]!),
  ];
}

type Row = Record<string, unknown>;

function structured(kind: Exclude<SectionKind, "text">, data: Record<string, unknown>): Content[] {
  const rows = (Array.isArray(data.rows) ? data.rows : []) as Row[];
  if (kind === "budget") return budget(data as BudgetData, rows);
  if (rows.length === 0) return [{ text: "No rows yet.", style: "empty" }];
  if (kind === "milestones") return milestones(rows);
  return [fieldTable(STRUCTURED_FIELDS[kind], rows)];
}

function fieldTable(fields: FieldDef[], rows: Row[]): Content {
  return {
    table: {
      headerRows: 1,
      dontBreakRows: true,
      widths: fields.map((field) => (field.type === "longtext" ? "*" : field.type === "select" ? "auto" : "*")),
      body: [
        fields.map((field) => ({ text: field.label, style: "tableHeader" })),
        ...rows.map((row) => fields.map((field) => ({ text: fieldValue(field, row[field.name]), style: "tableCell" }))),
      ],
    },
    layout: tableLayout,
    margin: [0, 0, 0, 8],
  };
}

function fieldValue(field: FieldDef, value: unknown): string {
  const text = typeof value === "string" ? value : "";
  if (field.options) return field.options.find((option) => option.value === text)?.label ?? breakable(text);
  if (field.type === "date" && /^\d{4}-\d{2}-\d{2}$/.test(text)) return formatLongDate(new Date(`${text}T12:00:00Z`));
  return breakable(text);
}

function milestones(rows: Row[]): Content[] {
  const dated = [...rows].sort((a, b) => String(a.due ?? "9999").localeCompare(String(b.due ?? "9999")));
  const statusOf = (value: unknown) => MILESTONE_STATUSES.find((s) => s.value === value)?.label ?? "";
  return [
    {
      table: {
        headerRows: 1,
        dontBreakRows: true,
        widths: [90, "*", 90, 70],
        body: [
          ["Due", "Milestone", "Owner", "Status"].map((text) => ({ text, style: "tableHeader" })),
          ...dated.map((row) => [
            { text: fieldValue({ name: "due", label: "Due", type: "date" }, row.due) || "No date", style: "totalCell" },
            { text: breakable(String(row.milestone ?? "")), style: "tableCell" },
            { text: breakable(String(row.owner ?? "")), style: "tableCell" },
            { text: statusOf(row.status), style: "tableCell" },
          ]),
        ],
      },
      layout: tableLayout,
      margin: [0, 0, 0, 8],
    },
  ];
}

function budget(data: BudgetData, rows: Row[]): Content[] {
  const totals = budgetTotals(data);
  const money = (pence: number | undefined) => (pence ? formatPounds(pence) : "");
  const amountsOf = (row: Row) =>
    typeof row.amounts === "object" && row.amounts !== null ? (row.amounts as Record<string, number>) : {};
  const rowTotal = (row: Row) =>
    totals.years.reduce(
      (sum, year) => sum + (Number.isSafeInteger(amountsOf(row)[year]) ? amountsOf(row)[year]! : 0),
      0,
    );
  // Many columns share the page width here, so the cells are set smaller than elsewhere.
  const moneyTable = (fields: FieldDef[], chosen: Row[]): Content => ({
    table: {
      headerRows: 1,
      dontBreakRows: true,
      widths: [
        ...fields.map((field) => (field.type === "select" ? 42 : "*")),
        ...totals.years.map(() => "auto"),
        "auto",
      ],
      body: [
        [...fields.map((f) => f.label), ...totals.years, "Total"].map((text) => ({
          text,
          style: "tableHeader",
          fontSize: 7.5,
        })),
        ...chosen.map((row) => [
          ...fields.map((field) => ({ text: fieldValue(field, row[field.name]), style: "tableCell", fontSize: 8 })),
          ...totals.years.map((year) => ({ text: money(amountsOf(row)[year]), style: "amount", fontSize: 8 })),
          { text: money(rowTotal(row)), style: "amount", fontSize: 8, bold: true },
        ]),
      ],
    },
    layout: { ...tableLayout, paddingLeft: () => 2.5, paddingRight: () => 2.5 },
    margin: [0, 0, 0, 8],
  });
  const funding = rows.filter((row) => row.rowType !== "asset");
  const assets = rows.filter((row) => row.rowType === "asset");
  // Assets are costed like funding lines and counted in the totals, so they show their amounts too.
  return [
    { text: "Funding lines", style: "h2" },
    funding.length > 0 ? moneyTable(BUDGET_FUNDING_FIELDS, funding) : { text: "No funding lines yet.", style: "empty" },
    ...(assets.length > 0 ? [{ text: "Assets", style: "h2" } as Content, moneyTable(BUDGET_ASSET_FIELDS, assets)] : []),
    // In the order the page shows them.
    { text: "Totals", style: "h2" },
    totalsTable("By treatment", totals.years, totals.byTreatment, totals.byYear, totals.total),
    totalsTable("By organisation", totals.years, totals.byOrganisation, totals.byYear, totals.total),
    {
      text: [
        { text: "Single budget in scope: ", bold: true },
        formatPounds(totals.inScope),
        { text: "   Everything mapped: ", bold: true },
        formatPounds(totals.total),
      ],
      margin: [0, 2, 0, 8],
    },
  ];
}

function totalsTable(
  label: string,
  years: string[],
  lines: TotalLine[],
  byYear: Record<string, number>,
  total: number,
): Content {
  const cell = (text: string, style = "amount"): TableCell => ({ text, style });
  return {
    table: {
      headerRows: 1,
      dontBreakRows: true,
      widths: ["*", ...years.map(() => "auto"), "auto"],
      body: [
        [label, ...years, "Total"].map((text) => ({ text, style: "tableHeader" })),
        ...lines.map((line) => [
          cell(breakable(line.label), "tableCell"),
          ...years.map((y) => cell(formatPounds(line.perYear[y] ?? 0))),
          cell(formatPounds(line.total)),
        ]),
        [
          cell("All", "totalCell"),
          ...years.map((y) => ({ text: formatPounds(byYear[y] ?? 0), style: "amount", bold: true })),
          { text: formatPounds(total), style: "amount", bold: true },
        ],
      ],
    },
    layout: tableLayout,
    margin: [0, 0, 0, 8],
  };
}

function signoffRecord(signoff: SectionSignoffView): Content {
  const lines: Content[] = signoff.requiredSides.map((side) => {
    const record = signoff.records.find((r) => r.side === side);
    if (!record) return { text: [{ text: `${SIDE_LABEL[side]}: `, bold: true }, "not yet signed"], style: "tableCell" };
    const signed = `${record.signedBy.name}, ${record.signedBy.organisation}, ${formatDateTime(record.signedAt)}`;
    const stale = record.fresh
      ? ""
      : ` (stale since ${record.staleAt ? formatDateTime(record.staleAt) : "a later change"}${record.staleBy ? `, changed by ${record.staleBy.name}` : ""})`;
    return {
      text: [
        { text: `${SIDE_LABEL[side]}: `, bold: true },
        `signed off by ${signed}`,
        { text: stale, color: "#b3261e" },
      ],
      style: "tableCell",
    };
  });
  return {
    unbreakable: true,
    stack: [{ text: "SIGN-OFF", style: "signoffHeading" }, ...lines],
    margin: [0, 4, 0, 0],
  };
}

function commentsAppendix(comments: CommentView[], sections: TemplateSection[]): Content[] {
  const threads = comments.filter((c) => c.parentId === null);
  const repliesOf = (id: string) => comments.filter((c) => c.parentId === id && !c.deleted);
  const order = new Map(sections.map((s, i) => [s.key, i]));
  threads.sort((a, b) => (order.get(a.sectionKey) ?? 0) - (order.get(b.sectionKey) ?? 0));
  const titleOf = (key: string) => sections.find((s) => s.key === key)?.title ?? key;
  const block = (thread: CommentView): Content => ({
    unbreakable: true,
    margin: [0, 0, 0, 10],
    stack: [
      {
        text: [
          { text: titleOf(thread.sectionKey), bold: true },
          {
            text: thread.resolvedAt
              ? `  Resolved${thread.resolvedBy ? ` by ${thread.resolvedBy.name}` : ""}`
              : "  Open",
            color: thread.resolvedAt ? "#00703c" : "#b3261e",
          },
        ],
        style: "tableCell",
      },
      ...(thread.quote
        ? [
            {
              text: `“${breakable(thread.quote)}”${thread.anchorStatus === "text-removed" ? " (text removed)" : ""}`,
              style: "quoteText",
              margin: [0, 2, 0, 2],
            } as Content,
          ]
        : []),
      ...[thread, ...repliesOf(thread.id)].map((comment): Content => ({
        text: [
          {
            text: `${comment.author.name} (${comment.author.organisation}), ${formatDateTime(comment.createdAt)}: `,
            bold: true,
          },
          comment.deleted ? { text: "comment deleted", italics: true } : breakable(comment.body),
        ],
        style: "tableCell",
        margin: [comment.parentId ? 14 : 0, 2, 0, 0],
      })),
    ],
  });
  return [
    { text: "Appendix: comments", style: "h1", tocItem: true, outline: true, pageBreak: "before" },
    ...(threads.length > 0 ? threads.map(block) : [{ text: "No comments.", style: "empty" } as Content]),
  ];
}

const tableLayout = {
  hLineWidth: (i: number) => (i === 1 ? 0.8 : 0.4),
  vLineWidth: () => 0,
  hLineColor: () => LINE,
  paddingLeft: () => 4,
  paddingRight: () => 4,
  paddingTop: () => 3,
  paddingBottom: () => 3,
};
