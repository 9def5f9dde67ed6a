import * as Y from "yjs";
import { DEFAULT_YEARS } from "./budget";
import { sectionDataName } from "./doc-names";
import { BUDGET_ASSET_FIELDS, BUDGET_FUNDING_FIELDS, STRUCTURED_FIELDS, isStructuredKind } from "./structured-fields";
import { rowIdAt } from "./section-values";
import type { PlanTemplate, SectionKind, TemplateSection } from "./template-schema";

/**
 * Row operations on a structured section's `data:<key>` map: `rows` is a Y.Array of Y.Map
 * rows, so two people adding, editing and deleting rows at once all keep their work. A row's
 * free-text fields are `Y.Text`, so two people typing in one cell merge character by character;
 * select, date and money fields are plain values that the last writer sets.
 */
export type Row = Y.Map<unknown>;

/** The free-text fields of a row of this kind (a budget row's depend on its `rowType`). */
export function textFieldNames(kind: SectionKind, rowType?: unknown): string[] {
  if (!isStructuredKind(kind)) return [];
  const fields =
    kind === "budget" ? (rowType === "asset" ? BUDGET_ASSET_FIELDS : BUDGET_FUNDING_FIELDS) : STRUCTURED_FIELDS[kind];
  return fields.filter((field) => field.type === "text" || field.type === "longtext").map((field) => field.name);
}

/** A row field as the string people read, whichever form it is stored in. */
export function fieldText(value: unknown): string {
  if (value instanceof Y.Text) return value.toString();
  return typeof value === "string" ? value : "";
}

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

/**
 * The section's rows. Every plan has them from creation (above); the fallback only serves a
 * document made some other way, such as a test's bare document.
 */
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

/**
 * 128 random bits: duplicate-row repair deletes by id, so ids must never collide. Not
 * `crypto.randomUUID()`, which browsers offer only to pages served over HTTPS or localhost.
 */
function newRowId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, "0")).join("");
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
  const rowType = kind === "budget" ? (fields.rowType ?? "funding") : undefined;
  const texts = new Set(textFieldNames(kind, rowType));
  for (const name of texts) row.set(name, new Y.Text(fields[name] ?? ""));
  for (const [name, value] of Object.entries(fields)) {
    if (!texts.has(name)) row.set(name, value);
  }
  if (kind === "budget") {
    row.set("rowType", rowType);
    row.set("amounts", new Y.Map<number>());
  }
  const rows = rowsOf(doc, sectionKey);
  rows.insert(Math.min(index ?? rows.length, rows.length), [row]);
  return id;
}

/**
 * The row with this id. A stored plan may hold rows that are not maps, or maps without an id
 * (updates were not always checked): those answer to the id the tolerant reader gives them
 * (`rowIdAt`), so a person can delete them from the page.
 */
export function findRow(rows: Y.Array<Row>, id: string): { row: Row; index: number } | null {
  let index = 0;
  for (const row of rows as Y.Array<unknown>) {
    if (rowIdAt(row instanceof Y.Map ? row.get("id") : undefined, index) === id) {
      return row instanceof Y.Map ? { row, index } : { row: new Y.Map<unknown>(), index };
    }
    index++;
  }
  return null;
}

/**
 * Sets a field. A `Y.Text` field is changed by the smallest edit that turns its text into
 * `value`, so the words someone else is typing into it at the same time are kept.
 */
export function setField(doc: Y.Doc, sectionKey: string, id: string, name: string, value: string): void {
  const row = findRow(rowsOf(doc, sectionKey), id)?.row;
  if (!row) return;
  const current = row.get(name);
  if (current instanceof Y.Text) editText(current, value);
  else row.set(name, value);
}

/**
 * Turns the text into `value` by deleting and inserting only what differs; `caret` (where the
 * typist's caret is in `value`) places the edit where they typed when the text around it
 * repeats, so their next keystroke lands beside it.
 */
export function editText(text: Y.Text, value: string, caret?: number): void {
  const edit = textEdit(text.toString(), value, caret);
  if (!edit) return;
  const apply = () => {
    if (edit.remove > 0) text.delete(edit.index, edit.remove);
    if (edit.insert) text.insert(edit.index, edit.insert);
  };
  if (text.doc) text.doc.transact(apply);
  else apply();
}

/**
 * The single replacement that turns `before` into `after`: at `index`, remove `remove`
 * UTF-16 units and insert `insert`. With `caret`, the edit ends at the caret (typing "b" after
 * the "a" of "ab" is an insertion at 1, not at 2). Never splits a surrogate pair. Null when
 * the strings are equal.
 */
export function textEdit(
  before: string,
  after: string,
  caret?: number,
): { index: number; remove: number; insert: string } | null {
  if (before === after) return null;
  const shorter = Math.min(before.length, after.length);
  const suffixLimit =
    caret === undefined ? shorter : Math.min(shorter, after.length - Math.min(Math.max(caret, 0), after.length));
  let suffix = 0;
  while (
    suffix < suffixLimit &&
    before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)
  ) {
    suffix++;
  }
  if (suffix > 0 && isLowSurrogate(before.charCodeAt(before.length - suffix))) suffix--;
  let prefix = 0;
  while (prefix < shorter - suffix && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  if (prefix > 0 && isHighSurrogate(before.charCodeAt(prefix - 1))) prefix--;
  return {
    index: prefix,
    remove: before.length - prefix - suffix,
    insert: after.slice(prefix, after.length - suffix),
  };
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/**
 * Turns the plain-string free-text fields of every structured row into `Y.Text`, as plans
 * made before text cells merged by character hold them. Returns how many cells it converted.
 * Only one actor (the server) may do this: two clients converting one cell at once would
 * each make their own `Y.Text`, and the words typed into the losing one would vanish.
 */
export function convertTextCells(doc: Y.Doc, sections: readonly Pick<TemplateSection, "key" | "kind">[]): number {
  let converted = 0;
  doc.transact(() => {
    for (const section of sections) {
      if (!isStructuredKind(section.kind)) continue;
      const rows = doc.getMap(sectionDataName(section.key)).get("rows");
      if (!(rows instanceof Y.Array)) continue;
      for (const row of rows) {
        if (!(row instanceof Y.Map)) continue;
        for (const name of textFieldNames(section.kind, row.get("rowType"))) {
          const value = row.get(name);
          if (typeof value !== "string") continue;
          row.set(name, new Y.Text(value));
          converted++;
        }
      }
    }
  });
  return converted;
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
    copy.set(name, value instanceof Y.AbstractType ? value.clone() : value);
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
