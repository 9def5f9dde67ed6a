import * as Y from "yjs";
import { DEFAULT_YEARS } from "./budget";
import { sectionDataName } from "./doc-names";
import { isStructuredKind } from "./structured-fields";
import type { PlanTemplate, SectionKind } from "./template-schema";

/**
 * Row operations on a structured section's `data:<key>` map: `rows` is a Y.Array of Y.Map
 * rows, so two people adding, editing and deleting rows at once all keep their work.
 */
export type Row = Y.Map<unknown>;

/**
 * Creates every structured section's `rows` (and a budget's `years`) once, when the plan is
 * made. Creating them lazily in two clients at once would make two arrays under one key, and
 * the rows added to the one that loses would vanish.
 */
export function initialiseStructuredSections(doc: Y.Doc, template: PlanTemplate): void {
  doc.transact(() => {
    for (const section of template.sections) {
      if (!isStructuredKind(section.kind)) continue;
      const data = doc.getMap(sectionDataName(section.key));
      if (!(data.get("rows") instanceof Y.Array)) data.set("rows", new Y.Array<Row>());
      if (section.kind === "budget" && !(data.get("years") instanceof Y.Array)) {
        data.set("years", Y.Array.from<string>([...DEFAULT_YEARS]));
      }
    }
  });
}

export function rowsOf(doc: Y.Doc, sectionKey: string): Y.Array<Row> {
  const data = doc.getMap(sectionDataName(sectionKey));
  let rows = data.get("rows");
  if (!(rows instanceof Y.Array)) {
    rows = new Y.Array<Row>();
    data.set("rows", rows);
  }
  return rows as Y.Array<Row>;
}

export function yearsOf(doc: Y.Doc, sectionKey: string): Y.Array<string> {
  const data = doc.getMap(sectionDataName(sectionKey));
  let years = data.get("years");
  if (!(years instanceof Y.Array)) {
    years = Y.Array.from<string>([...DEFAULT_YEARS]);
    data.set("years", years);
  }
  return years as Y.Array<string>;
}

function newRowId(): string {
  return Math.random().toString(36).slice(2, 10) + Date.now().toString(36).slice(-4);
}

/** Appends a row (or inserts it at `index`) and returns its id. */
export function addRow(
  doc: Y.Doc,
  sectionKey: string,
  kind: SectionKind,
  fields: Record<string, string> = {},
  index?: number,
): string {
  const id = newRowId();
  const row = new Y.Map<unknown>();
  row.set("id", id);
  for (const [name, value] of Object.entries(fields)) row.set(name, value);
  if (kind === "budget") {
    if (!fields.rowType) row.set("rowType", "funding");
    row.set("amounts", new Y.Map<number>());
  }
  const rows = rowsOf(doc, sectionKey);
  rows.insert(Math.min(index ?? rows.length, rows.length), [row]);
  return id;
}

export function findRow(rows: Y.Array<Row>, id: string): { row: Row; index: number } | null {
  let index = 0;
  for (const row of rows) {
    if (row.get("id") === id) return { row, index };
    index++;
  }
  return null;
}

export function setField(doc: Y.Doc, sectionKey: string, id: string, name: string, value: string): void {
  findRow(rowsOf(doc, sectionKey), id)?.row.set(name, value);
}

/** Sets one year's amount of a budget row, in pence; null clears it. */
export function setAmount(doc: Y.Doc, sectionKey: string, id: string, year: string, pence: number | null): void {
  const found = findRow(rowsOf(doc, sectionKey), id);
  if (!found) return;
  let amounts = found.row.get("amounts");
  if (!(amounts instanceof Y.Map)) {
    amounts = new Y.Map<number>();
    found.row.set("amounts", amounts);
  }
  if (pence === null) (amounts as Y.Map<number>).delete(year);
  else (amounts as Y.Map<number>).set(year, pence);
}

export function deleteRow(doc: Y.Doc, sectionKey: string, id: string): void {
  const rows = rowsOf(doc, sectionKey);
  const found = findRow(rows, id);
  if (found) rows.delete(found.index, 1);
}

/**
 * Moves a row up or down. Yjs arrays cannot move an item, so this is a delete and an insert
 * of a copy in one transaction; an edit someone makes to that row at the same moment is lost.
 */
export function moveRow(doc: Y.Doc, sectionKey: string, id: string, delta: -1 | 1): void {
  const rows = rowsOf(doc, sectionKey);
  const found = findRow(rows, id);
  if (!found) return;
  const target = found.index + delta;
  if (target < 0 || target >= rows.length) return;
  doc.transact(() => {
    const copy = cloneRow(found.row);
    rows.delete(found.index, 1);
    rows.insert(target, [copy]);
  });
}

/**
 * Deletes every row whose id an earlier row already has, keeping the first. Two people moving
 * the same row at once each insert a copy of it; this folds the copies back into one, and
 * any two documents that agree on the rows make the same choice.
 */
export function removeDuplicateRows(rows: Y.Array<Row>): number {
  const seen = new Set<unknown>();
  const duplicates: number[] = [];
  rows.forEach((row, index) => {
    const id = row instanceof Y.Map ? row.get("id") : undefined;
    if (id === undefined) return;
    if (seen.has(id)) duplicates.push(index);
    seen.add(id);
  });
  for (const index of duplicates.reverse()) rows.delete(index, 1);
  return duplicates.length;
}

function cloneRow(row: Row): Row {
  const copy = new Y.Map<unknown>();
  for (const [name, value] of row.entries()) {
    if (value instanceof Y.Map) {
      const nested = new Y.Map<unknown>();
      for (const [k, v] of value.entries()) nested.set(k, v);
      copy.set(name, nested);
    } else {
      copy.set(name, value);
    }
  }
  return copy;
}

export function addYear(doc: Y.Doc, sectionKey: string, year: string): void {
  const years = yearsOf(doc, sectionKey);
  if (!years.toArray().includes(year)) years.push([year]);
}

export function removeYear(doc: Y.Doc, sectionKey: string, year: string): void {
  const years = yearsOf(doc, sectionKey);
  const index = years.toArray().indexOf(year);
  if (index >= 0) years.delete(index, 1);
}

/** The financial year after the last one listed ("2014-15" after "2013-14"). */
export function nextFinancialYear(years: readonly string[]): string {
  const last = years.at(-1);
  const start = last ? Number(last.slice(0, 4)) + 1 : Number(DEFAULT_YEARS[0].slice(0, 4));
  return `${start}-${String((start + 1) % 100).padStart(2, "0")}`;
}
