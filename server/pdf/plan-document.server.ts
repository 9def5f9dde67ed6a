import type * as Y from "yjs";
import { budgetTotals, formatPounds, type BudgetData, type TotalLine } from "../../app/shared/budget";
import { formatDateTime, formatLongDate } from "../../app/shared/dates";
import { SIDE_LABEL } from "../../app/shared/permissions";
import type { CommentView, PlanSignoffView, SectionSignoffView } from "../../app/shared/plan-events";
import { signerName } from "../../app/shared/signer-name";
import {
  BUDGET_ASSET_FIELDS,
  BUDGET_FUNDING_FIELDS,
  MILESTONE_STATUSES,
  SECTION_KIND_LABEL,
  STRUCTURED_FIELDS,
  isStructuredKind,
  type FieldDef,
} from "../../app/shared/structured-fields";
import type { SectionKind, TemplateSection } from "../../app/shared/template-schema";
import type { Plan } from "../../db/schema";
import { sectionData, sectionRichTextJson } from "../plans/plan-content.server";
import type { SignoffEvidence } from "../seal/signoff-evidence.server";
import {
  nestHeadings,
  type Block,
  type DocumentSection,
  type PlanDocument,
  type Run,
  type TableRow,
} from "./document-model.server";
import { richTextBlocks } from "./rich-text.server";
import type { SuggestionView } from "../suggestions/suggestion-service.server";
import { suggestionsAppendix } from "./suggestions-appendix.server";

export interface PlanExportInput {
  plan: Plan;
  doc: Y.Doc;
  signoffs: PlanSignoffView;
  /** The comment threads for the appendix, or null to leave it out. */
  comments: CommentView[] | null;
  exportedAt: Date;
  exportedBy: string;
  /** Set when a version is exported rather than the plan now: named on the cover. */
  version?: { title: string; createdAt: Date } | null;
  /** The last entry of the plan's audit chain at the moment of export (null: none yet). */
  auditHead?: { id: number; at: Date; hash: string } | null;
  /** The sign-off records the export carries (a PDF embeds them too), listed in the appendix. */
  evidence?: SignoffEvidence | null;
  /** The plan's suggestions for the open-suggestions appendix, or null (or absent) to leave it out. */
  suggestions?: SuggestionView[] | null;
}

/**
 * The plan as a department would publish it: cover, every section in template order with its
 * narrative, its structured table and its sign-off record, and optionally the comment threads.
 * Values are read defensively: a cell holding a number, null or an object is shown as text or
 * left blank, never an error.
 */
export function planDocument(input: PlanExportInput): PlanDocument {
  const { plan, signoffs } = input;
  return {
    title: plan.title,
    area: plan.area,
    author: plan.area,
    subject: `${plan.template.title}: ${plan.area}. Exported by ${input.exportedBy}`,
    final: signoffs.status === "final",
    cover: cover(input),
    sections: plan.template.sections.map((section, index) => sectionOf(input, section, index)),
    appendices: [
      signoffAppendix(input.auditHead ?? null, recordsOnPaper(input)),
      ...(input.comments ? [commentsAppendix(input.comments, plan.template.sections)] : []),
      ...(input.suggestions ? [suggestionsAppendix(input.suggestions, plan.template.sections, input.doc)] : []),
    ],
  };
}

function cover({ plan, signoffs, exportedAt, version }: PlanExportInput): Run[][] {
  return [
    [{ text: plan.template.title }],
    ...(version
      ? [
          [
            { text: "Version: ", bold: true },
            { text: `${version.title}, as it was on ${formatLongDate(version.createdAt)}` },
          ],
        ]
      : []),
    [{ text: `Exported ${formatLongDate(exportedAt)}` }],
    [
      { text: "Status: ", bold: true },
      {
        text: `${signoffs.status === "final" ? "Final" : "Draft"} (${signoffs.signed} of ${signoffs.total} sections signed off)`,
      },
    ],
  ];
}

function sectionOf(input: PlanExportInput, section: TemplateSection, index: number): DocumentSection {
  const narrative = richTextBlocks(sectionRichTextJson(input.doc, section.key));
  const structuredKind = isStructuredKind(section.kind) ? section.kind : null;
  const data = structuredKind ? sectionData(input.doc, section.key) : {};
  const rows = rowsOf(data);
  const kind: Block = { type: "paragraph", runs: [{ text: SECTION_KIND_LABEL[section.kind] }], style: "kind" };
  const signoff = signoffRecord(input.signoffs.sections[section.key]);
  const title = `${index + 1}. ${section.title}`;
  if (narrative.length === 0 && rows.length === 0) {
    return { title, empty: true, blocks: [kind, emptyLine("Not yet written."), ...signoff] };
  }
  const written = narrative.length > 0 ? narrative : [emptyLine("No narrative written yet.")];
  return {
    title,
    empty: false,
    blocks: structuredKind
      ? [kind, ...structured(structuredKind, data, rows), heading("Narrative"), ...nestHeadings(written, 4), ...signoff]
      : [kind, ...nestHeadings(written, 3), ...signoff],
  };
}

const heading = (text: string, level = 3): Block => ({ type: "heading", level, text });
const emptyLine = (text: string): Block => ({
  type: "paragraph",
  runs: [{ text, italic: true, tone: "muted" }],
  style: "empty",
});

type Row = Record<string, unknown>;

/** The section's rows that hold anything: a row with every field and amount empty is not printed. */
function rowsOf(data: Record<string, unknown>): Row[] {
  const rows = Array.isArray(data.rows) ? data.rows : [];
  return rows.filter((row): row is Row => typeof row === "object" && row !== null && !isBlank(row as Row));
}

function isBlank(row: Row): boolean {
  return Object.entries(row).every(([key, value]) => {
    if (key === "id" || key === "rowType") return true;
    if (key === "amounts") return Object.values(amountsOf(row)).every((pence) => !pence);
    return textOf(value).trim() === "";
  });
}

/** Any stored value as text: strings as they are, finite numbers written out, anything else blank. */
function textOf(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return "";
}

function amountsOf(row: Row): Record<string, number> {
  const amounts = row.amounts;
  if (typeof amounts !== "object" || amounts === null) return {};
  return Object.fromEntries(
    Object.entries(amounts).filter((entry): entry is [string, number] => Number.isSafeInteger(entry[1])),
  );
}

/** An amount, or blank when there is none: a zero total reads as nothing spent, not "£0". */
const money = (pence: number | undefined) => (pence ? formatPounds(pence) : "");

function structured(kind: Exclude<SectionKind, "text">, data: Record<string, unknown>, rows: Row[]): Block[] {
  if (kind === "budget") return budget(data as BudgetData, rows);
  if (rows.length === 0) return [emptyLine("No rows yet.")];
  if (kind === "milestones") return [milestones(rows)];
  return [fieldTable(STRUCTURED_FIELDS[kind], rows)];
}

function fieldTable(fields: FieldDef[], rows: Row[]): Block {
  return {
    type: "table",
    table: {
      columns: fields.map((field) => ({ label: field.label })),
      rows: rows.map((row) => ({ cells: fields.map((field) => fieldValue(field, row[field.name])) })),
    },
  };
}

function fieldValue(field: FieldDef, value: unknown): string {
  const text = textOf(value);
  if (field.options) return field.options.find((option) => option.value === text)?.label ?? text;
  if (field.type === "date" && /^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const date = new Date(`${text}T12:00:00Z`);
    return Number.isNaN(date.getTime()) ? text : formatLongDate(date);
  }
  return text;
}

function milestones(rows: Row[]): Block {
  const dated = [...rows].sort((a, b) => (textOf(a.due) || "9999").localeCompare(textOf(b.due) || "9999"));
  const fields = STRUCTURED_FIELDS.milestones;
  const field = (name: string) => fields.find((f) => f.name === name)!;
  const statusOf = (value: unknown) => MILESTONE_STATUSES.find((s) => s.value === value)?.label ?? "";
  return {
    type: "table",
    table: {
      columns: [{ label: "Due" }, { label: "Milestone" }, { label: "Owner" }, { label: "Status" }],
      rows: dated.map((row) => ({
        cells: [
          fieldValue(field("due"), row.due) || "No date",
          textOf(row.milestone),
          textOf(row.owner),
          statusOf(row.status),
        ],
      })),
    },
  };
}

function budget(data: BudgetData, rows: Row[]): Block[] {
  const totals = budgetTotals({ ...data, rows });
  const rowTotal = (row: Row) => totals.years.reduce((sum, year) => sum + (amountsOf(row)[year] ?? 0), 0);
  const moneyTable = (fields: FieldDef[], chosen: Row[]): Block => ({
    type: "table",
    table: {
      dense: true,
      columns: [
        ...fields.map((field) => ({ label: field.label })),
        ...totals.years.map((year) => ({ label: year, amount: true })),
        { label: "Total", amount: true },
      ],
      rows: chosen.map((row) => ({
        cells: [
          ...fields.map((field) => fieldValue(field, row[field.name])),
          ...totals.years.map((year) => money(amountsOf(row)[year])),
          money(rowTotal(row)),
        ],
      })),
    },
  });
  const funding = rows.filter((row) => row.rowType !== "asset");
  const assets = rows.filter((row) => row.rowType === "asset");
  // Assets are costed like funding lines and counted in the totals, so they show their amounts too.
  return [
    heading("Funding lines"),
    funding.length > 0 ? moneyTable(BUDGET_FUNDING_FIELDS, funding) : emptyLine("No funding lines yet."),
    ...(assets.length > 0 ? [heading("Assets"), moneyTable(BUDGET_ASSET_FIELDS, assets)] : []),
    // In the order the page shows them.
    heading("Totals"),
    totalsTable("By treatment", totals.years, totals.byTreatment, totals.byYear, totals.total),
    totalsTable("By organisation", totals.years, totals.byOrganisation, totals.byYear, totals.total),
    {
      type: "paragraph",
      style: "body",
      runs: [
        { text: "Single budget in scope: ", bold: true },
        { text: formatPounds(totals.inScope) },
        { text: ". Everything mapped: ", bold: true },
        { text: formatPounds(totals.total) },
      ],
    },
  ];
}

function totalsTable(
  label: string,
  years: string[],
  lines: TotalLine[],
  byYear: Record<string, number>,
  total: number,
): Block {
  const rows: TableRow[] = [
    ...lines.map((line) => ({
      cells: [line.label, ...years.map((year) => money(line.perYear[year])), money(line.total)],
    })),
    { cells: ["All", ...years.map((year) => money(byYear[year])), money(total)], total: true },
  ];
  return {
    type: "table",
    table: {
      rowHeaders: true,
      columns: [{ label }, ...years.map((year) => ({ label: year, amount: true })), { label: "Total", amount: true }],
      rows,
    },
  };
}

function signoffRecord(signoff: SectionSignoffView | undefined): Block[] {
  const lines = (signoff?.requiredSides ?? []).map((side): Block => {
    const record = signoff!.records.find((r) => r.side === side);
    const label = { text: `${SIDE_LABEL[side]}: `, bold: true };
    if (!record) return { type: "paragraph", style: "small", runs: [label, { text: "not yet signed" }] };
    const signed = `${signerName(record)}, ${record.signedBy.organisation}, ${formatDateTime(record.signedAt)}`;
    const stale = record.fresh
      ? []
      : [
          {
            text: ` (stale since ${record.staleAt ? formatDateTime(record.staleAt) : "a later change"}${record.staleBy ? `, changed by ${record.staleBy.name}` : ""})`,
            tone: "alert" as const,
          },
        ];
    return { type: "paragraph", style: "small", runs: [label, { text: `signed off by ${signed}` }, ...stale] };
  });
  return [{ type: "heading", level: 3, text: "Sign-off", label: true }, ...lines];
}

/**
 * The audit chain's head on paper: whoever later rewrites the log cannot make its chain end in
 * the hash printed here, so the export and the log check each other.
 */
function signoffAppendix(head: NonNullable<PlanExportInput["auditHead"]> | null, records: Block[]): DocumentSection {
  const text = (value: string): Block => ({ type: "paragraph", style: "body", runs: [{ text: value }] });
  return {
    title: "Appendix: sign-off record",
    empty: false,
    blocks: [
      ...records,
      { type: "heading", level: 3, text: "Audit log at export" },
      ...(head
        ? [
            text(
              `When this copy was made, the plan's audit log ended at entry ${head.id}, of ${formatDateTime(head.at.toISOString())}. Its hash (SHA-256) is:`,
            ),
            { type: "paragraph", style: "code", runs: [{ text: head.hash, code: true }] } satisfies Block,
          ]
        : [text("When this copy was made, the plan's audit log held no entries.")]),
      text(
        "Each entry of the log holds the hash of the entry before it: no entry up to this one can be changed, removed or added without the log no longer passing through this hash.",
      ),
      {
        type: "paragraph",
        style: "body",
        runs: [
          { text: "An administrator checks the log with " },
          { text: "npm run admin -- verify-audit", code: true },
          { text: ". This export is the log's next entry." },
        ],
      },
    ],
  };
}

/**
 * Every sign-off record the export carries, as the signer approved it: who, for whom, when, the
 * statement and how they authenticated, and the content hash that ties it to the wording.
 */
function recordsOnPaper({ evidence, signoffs }: PlanExportInput): Block[] {
  const records = evidence?.signoffs ?? [];
  const views = new Map(
    Object.values(signoffs.sections).flatMap((section) => section.records.map((record) => [record.id, record])),
  );
  const line = (label: string, value: string, code = false): Block => ({
    type: "paragraph",
    style: "body",
    runs: [
      { text: `${label}: `, bold: true },
      { text: value, ...(code ? { code: true } : {}) },
    ],
  });
  return [
    { type: "heading", level: 3, text: "Sign-offs" },
    ...(records.length === 0
      ? [line("Sign-offs", "none when this copy was made")]
      : records.flatMap((record): Block[] => {
          const onBehalfOf = views.get(record.id)?.onBehalfOf;
          return [
            {
              type: "heading",
              level: 4,
              text: `Sign-off #${record.id}: ${record.sectionTitle}, ${SIDE_LABEL[record.side as keyof typeof SIDE_LABEL] ?? record.side}`,
            },
            line(
              "Signed by",
              `${record.signedBy.name}, ${record.signedBy.organisation}${onBehalfOf ? `, for ${onBehalfOf.name}` : ""}, ${formatDateTime(record.signedAt)}`,
            ),
            line("Statement", record.meaning ?? "none recorded (signed before statements were kept)"),
            line("Authenticated by", record.method ?? "not recorded"),
            line("Content hash (SHA-256)", record.contentHash, true),
            line(
              "At export",
              record.freshAtExport ? "fresh: the section still read as signed" : "stale: the section had changed since",
            ),
          ];
        })),
  ];
}

function commentsAppendix(comments: CommentView[], sections: TemplateSection[]): DocumentSection {
  const threads = comments.filter((c) => c.parentId === null);
  const repliesOf = (id: string) => comments.filter((c) => c.parentId === id && !c.deleted);
  const order = new Map(sections.map((s, i) => [s.key, i]));
  threads.sort((a, b) => (order.get(a.sectionKey) ?? 0) - (order.get(b.sectionKey) ?? 0));
  const titleOf = (key: string) => sections.find((s) => s.key === key)?.title ?? key;
  const thread = (first: CommentView): Block[] => [
    {
      type: "paragraph",
      style: "small",
      runs: [
        { text: titleOf(first.sectionKey), bold: true },
        first.resolvedAt
          ? { text: `  Resolved${first.resolvedBy ? ` by ${first.resolvedBy.name}` : ""}`, tone: "ok" }
          : { text: "  Open", tone: "alert" },
      ],
    },
    ...(first.quote
      ? [
          {
            type: "paragraph",
            style: "small",
            runs: [
              {
                text: `“${first.quote}”${first.anchorStatus === "text-removed" ? " (text removed)" : ""}`,
                italic: true,
                tone: "muted",
              },
            ],
          } satisfies Block,
        ]
      : []),
    ...[first, ...repliesOf(first.id)].map((comment): Block => ({
      type: "paragraph",
      style: "small",
      indent: comment.parentId ? 1 : 0,
      runs: [
        {
          text: `${comment.author.name} (${comment.author.organisation}), ${formatDateTime(comment.createdAt)}: `,
          bold: true,
        },
        comment.deleted ? { text: "comment deleted", italic: true } : { text: comment.body },
      ],
    })),
  ];
  return {
    title: "Appendix: comments",
    empty: false,
    blocks: threads.length > 0 ? threads.flatMap(thread) : [emptyLine("No comments.")],
  };
}
