import type * as Y from "yjs";
import { formatPounds } from "../../app/shared/budget";
import { formatDateTime } from "../../app/shared/dates";
import { BUDGET_ASSET_FIELDS, BUDGET_FUNDING_FIELDS, STRUCTURED_FIELDS } from "../../app/shared/structured-fields";
import type { TemplateSection } from "../../app/shared/template-schema";
import { sectionData } from "../plans/plan-content.server";
import type { SuggestionView } from "../suggestions/suggestion-service.server";
import type { Block, DocumentSection, Run } from "./document-model.server";

const FIELD_LABELS = new Map(
  [...BUDGET_FUNDING_FIELDS, ...BUDGET_ASSET_FIELDS, ...Object.values(STRUCTURED_FIELDS).flat()].map((field) => [
    field.name,
    field,
  ]),
);

/**
 * The open suggestions at export (`?suggestions=1`), in the plan's order and then by time: the
 * plan itself shows accepted content only, so this is where a reader sees what is proposed.
 * Each says its section, author and time, and the words it takes out and puts in, or the cell
 * it would change from what to what.
 */
export function suggestionsAppendix(
  suggestions: readonly SuggestionView[],
  sections: readonly TemplateSection[],
  doc: Y.Doc,
): DocumentSection {
  const order = new Map(sections.map((section, index) => [section.key, index]));
  const open = suggestions
    .filter((suggestion) => suggestion.status === "open")
    .sort(
      (a, b) =>
        (order.get(a.sectionKey) ?? 0) - (order.get(b.sectionKey) ?? 0) || a.createdAt.localeCompare(b.createdAt),
    );
  const titleOf = (key: string) => sections.find((section) => section.key === key)?.title ?? key;
  const blocks = open.map((suggestion): Block => ({
    type: "paragraph",
    style: "small",
    runs: [
      { text: titleOf(suggestion.sectionKey), bold: true },
      {
        text: `  ${suggestion.author.name} (${suggestion.author.organisation}), ${formatDateTime(suggestion.createdAt)}: `,
      },
      ...(suggestion.kind === "text" ? words(suggestion) : cell(suggestion, doc)),
    ],
  }));
  return {
    title: "Appendix: open suggestions",
    empty: false,
    blocks:
      blocks.length > 0
        ? blocks
        : [
            {
              type: "paragraph",
              runs: [{ text: "No open suggestions.", italic: true, tone: "muted" }],
              style: "empty",
            },
          ],
  };
}

function words(suggestion: SuggestionView): Run[] {
  const removed = suggestion.removed ?? "";
  const added = suggestion.added ?? "";
  if (removed && added) return [{ text: `replace “${removed}” with “${added}”` }];
  if (removed) return [{ text: `remove “${removed}”` }];
  return [{ text: `add “${added}”` }];
}

function cell(suggestion: SuggestionView, doc: Y.Doc): Run[] {
  const field = suggestion.field ?? "";
  const year = field.startsWith("amounts.") ? field.slice("amounts.".length) : null;
  const rows = sectionData(doc, suggestion.sectionKey).rows ?? [];
  const index = rows.findIndex((row) => row.id === suggestion.rowId);
  const where = index < 0 ? "a deleted row" : `row ${index + 1}${rowName(rows[index]!)}`;
  const label = year ? `${year} amount` : (FIELD_LABELS.get(field)?.label ?? field);
  const value = (value: string | number | null) =>
    value === null || value === "" ? "empty" : typeof value === "number" && year ? formatPounds(value) : String(value);
  return [{ text: `${label}, ${where}: from ${value(suggestion.from)} to ${value(suggestion.to)}` }];
}

/** " (Swindon Borough Council)": a row's first words, so a reader finds it on paper. */
function rowName(row: Record<string, unknown>): string {
  const first = Object.entries(row).find(
    ([key, value]) => key !== "id" && key !== "rowType" && typeof value === "string" && value.trim() !== "",
  )?.[1] as string | undefined;
  if (!first) return "";
  const trimmed = first.trim();
  return ` (${trimmed.length > 40 ? `${trimmed.slice(0, 39)}…` : trimmed})`;
}
