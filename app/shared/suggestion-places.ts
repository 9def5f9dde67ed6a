import * as Y from "yjs";
import { sectionDataName } from "./doc-names";
import { rowIdAt } from "./section-values";
import { BUDGET_ASSET_FIELDS, BUDGET_FUNDING_FIELDS, STRUCTURED_FIELDS, type FieldDef } from "./structured-fields";
import { openTextSuggestions } from "./suggestion-runs";
import { keyFieldsOf } from "./table-keys";
import type { SectionKind } from "./template-schema";

/** What a suggestion's place is read from (a `SuggestionView`'s fields). */
export interface PlaceableSuggestion {
  id: string;
  sectionKey: string;
  kind: "text" | "cell";
  rowId: string | null;
  field: string | null;
}

type Section = { key: string; title: string; kind: SectionKind };

export interface SuggestionPlace {
  /** Compared item by item: section, narrative before tables, then position, or table, row and column. */
  rank: number[];
  /** A cell's name as its table reads it: "Funding lines, row 2 (“DWP”), 2013-14 amount". */
  cellName: string | null;
}

/** How long a row's words may be in its name before they are cut. */
const ROW_WORDS = 40;

/**
 * Where each suggestion stands in the plan, for a list in the plan's order: sections in their
 * order, a narrative's suggestions as they stand in its text, and a table's by table, row and
 * column as the page draws them. One whose place is gone (its words, its row) goes last in its
 * section. Without the document, sections alone order the list.
 */
export function suggestionPlaces(
  doc: Y.Doc | undefined,
  sections: readonly Section[],
  suggestions: readonly PlaceableSuggestion[],
): Map<string, SuggestionPlace> {
  const sectionIndex = new Map(sections.map((section, index) => [section.key, index]));
  const textOrder = new Map<string, number>();
  if (doc) {
    const narratives = sections.filter((section) => section.kind === "text").map((section) => section.key);
    let position = 0;
    for (const id of openTextSuggestions(doc, narratives).keys()) textOrder.set(id, position++);
  }
  const places = new Map<string, SuggestionPlace>();
  for (const suggestion of suggestions) {
    const at = sectionIndex.get(suggestion.sectionKey) ?? sections.length;
    if (suggestion.kind === "text") {
      places.set(suggestion.id, { rank: [at, 0, textOrder.get(suggestion.id) ?? Infinity], cellName: null });
      continue;
    }
    const section = sections[at];
    const cell = section && doc ? cellPlace(doc, section, suggestion.rowId ?? "", suggestion.field ?? "") : null;
    places.set(suggestion.id, {
      rank: [at, 1, ...(cell?.rank ?? [Infinity])],
      cellName: cell?.name ?? fieldName(suggestion.field ?? ""),
    });
  }
  return places;
}

/** Orders suggestions by their places (a stable sort: ties keep the order they came in). */
export function inPlanOrder<T extends { id: string }>(
  suggestions: readonly T[],
  places: Map<string, SuggestionPlace>,
): T[] {
  return [...suggestions].sort((a, b) => compareRanks(places.get(a.id)?.rank ?? [], places.get(b.id)?.rank ?? []));
}

function compareRanks(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const left = a[i] ?? -1;
    const right = b[i] ?? -1;
    if (left !== right) return left < right ? -1 : 1;
  }
  return 0;
}

/**
 * A cell's table, row and column as the page draws them (a budget's funding lines, then its
 * assets; rows numbered within their table), or null when its row is gone.
 */
function cellPlace(
  doc: Y.Doc,
  section: Section,
  rowId: string,
  field: string,
): { rank: number[]; name: string } | null {
  if (section.kind === "text") return null;
  const rows = doc.getMap(sectionDataName(section.key)).get("rows");
  if (!(rows instanceof Y.Array)) return null;
  const counted = { funding: 0, asset: 0, other: 0 };
  let index = 0;
  for (const row of rows as Y.Array<unknown>) {
    const map = row instanceof Y.Map ? (row as Y.Map<unknown>) : null;
    const id = rowIdAt(map?.get("id"), index++);
    const table = section.kind !== "budget" ? "other" : map?.get("rowType") === "asset" ? "asset" : "funding";
    const number = ++counted[table];
    if (id !== rowId) continue;
    const fields =
      table === "other"
        ? STRUCTURED_FIELDS[section.kind as Exclude<SectionKind, "text" | "budget">]
        : table === "asset"
          ? BUDGET_ASSET_FIELDS
          : BUDGET_FUNDING_FIELDS;
    const title = table === "other" ? section.title : table === "asset" ? "Assets" : "Funding lines";
    const words = rowWords(map, keyFieldsOf(section.kind, table));
    const column = columnOf(doc, section, fields, field);
    return {
      rank: [table === "asset" ? 1 : 0, number, column.index],
      name: `${title}, row ${number}${words ? ` (“${words}”)` : ""}, ${column.label}`,
    };
  }
  return null;
}

function columnOf(
  doc: Y.Doc,
  section: Section,
  fields: readonly FieldDef[],
  field: string,
): { index: number; label: string } {
  const at = fields.findIndex((candidate) => candidate.name === field);
  if (at >= 0) return { index: at, label: fields[at]!.label };
  const year = field.startsWith("amounts.") ? field.slice("amounts.".length) : null;
  const years = doc.getMap(sectionDataName(section.key)).get("years");
  const yearAt = year !== null && years instanceof Y.Array ? (years.toArray() as unknown[]).indexOf(year) : -1;
  return { index: fields.length + (yearAt >= 0 ? yearAt : Infinity), label: fieldName(field) };
}

/** The first of the row's naming fields that holds words, cut to a readable length. */
function rowWords(row: Y.Map<unknown> | null, keyFields: readonly string[]): string {
  for (const name of keyFields) {
    const value = row?.get(name);
    const words = (value instanceof Y.Text ? value.toString() : typeof value === "string" ? value : "").trim();
    if (words) return words.length > ROW_WORDS ? `${words.slice(0, ROW_WORDS - 1)}…` : words;
  }
  return "";
}

/** A field as a column heading reads it when its table is not at hand: "2013-14 amount", "Funding line". */
export function fieldName(field: string): string {
  if (field.startsWith("amounts.")) return `${field.slice("amounts.".length)} amount`;
  const words = field.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
