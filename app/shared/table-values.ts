import { z } from "zod";
import { MAX_PENCE } from "./budget";
import {
  BUDGET_ASSET_FIELDS,
  BUDGET_FUNDING_FIELDS,
  STRUCTURED_FIELDS,
  type FieldDef,
  type StructuredKind,
} from "./structured-fields";

/**
 * What a table's rows may hold, derived from the field definitions in `structured-fields.ts`
 * (one source for the UI's columns, the update check and the reader), and the one tolerant
 * reader every read path uses. Decision 0026.
 */

/** How each row field is typed: a text cell, one of a select's values, an ISO date, or a budget's own fields. */
export type FieldSpec =
  | { type: "text" }
  | { type: "select"; values: readonly string[] }
  | { type: "date" }
  | { type: "id" }
  | { type: "rowType" }
  | { type: "amounts" };

export const ROW_TYPES = ["funding", "asset"] as const;

/**
 * The fields a row of this kind may have, by name. A budget row's fields are those of both
 * row types (a row's type can change; no name means different things in the two).
 */
export function rowFieldSpecs(kind: StructuredKind): ReadonlyMap<string, FieldSpec> {
  return FIELD_SPECS[kind];
}

const FIELD_SPECS: Record<StructuredKind, ReadonlyMap<string, FieldSpec>> = {
  budget: specsOf([...BUDGET_FUNDING_FIELDS, ...BUDGET_ASSET_FIELDS], true),
  outcomes: specsOf(STRUCTURED_FIELDS.outcomes, false),
  milestones: specsOf(STRUCTURED_FIELDS.milestones, false),
  gap: specsOf(STRUCTURED_FIELDS.gap, false),
  "delivery-chain": specsOf(STRUCTURED_FIELDS["delivery-chain"], false),
  register: specsOf(STRUCTURED_FIELDS.register, false),
};

function specsOf(fields: readonly FieldDef[], budget: boolean): Map<string, FieldSpec> {
  const specs = new Map<string, FieldSpec>([["id", { type: "id" }]]);
  for (const field of fields) {
    if (field.type === "select") specs.set(field.name, { type: "select", values: field.options!.map((o) => o.value) });
    else if (field.type === "date") specs.set(field.name, { type: "date" });
    else specs.set(field.name, { type: "text" });
  }
  if (budget) {
    specs.set("rowType", { type: "rowType" });
    specs.set("amounts", { type: "amounts" });
  }
  return specs;
}

/** An amount: whole pence, finite, within the £1 trillion (10^12 pounds) the amount field accepts. */
export const amountSchema = z.number().int().min(-MAX_PENCE).max(MAX_PENCE);

/** A date cell: empty, or a real calendar date as `YYYY-MM-DD`. */
export const dateSchema = z.union([z.literal(""), z.iso.date()]);

/** A select cell: empty, or one of its values. */
export function selectSchema(values: readonly string[]) {
  return z.union([z.literal(""), z.enum(values as [string, ...string[]])]);
}

/** A row id as `addRow` makes it (32 hex digits), with room for other honest clients. */
export const rowIdSchema = z.string().min(1).max(100);

export const rowTypeSchema = z.enum(ROW_TYPES);

/** A budget year label (`2012-13`). */
export const yearSchema = z.string().min(1).max(32);

/** The row's id, or one made from its place for a row that has none (or is not a map at all). */
export function rowIdAt(id: unknown, index: number): string {
  return typeof id === "string" && id !== "" ? id : `row-at-${index}`;
}

export type CellValue = string | Record<string, number | string>;
export type RowValues = { id: string } & Record<string, CellValue>;
export type SectionValues = { rows?: RowValues[]; years?: string[] } & Record<string, unknown>;

/**
 * Turns whatever a stored section's structured part holds (as plain JSON) into values every
 * reader can use, and never throws: rows are maps with a string id, every field is a string,
 * an amount is whole pence within bounds. Whatever does not fit is shown as its text ("NaN",
 * "null", `{"a":1}`), so a person sees it and can fix it; a row that is not a map at all keeps
 * its text in `invalid`. Valid content comes back exactly as it went in, so the sign-off
 * hash of a section that was already valid does not change.
 */
export function normaliseSectionData(raw: unknown): SectionValues {
  if (!isPlainObject(raw)) return {};
  const out: SectionValues = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key === "rows") out.rows = Array.isArray(value) ? value.map(normaliseRow) : [];
    else if (key === "years") out.years = Array.isArray(value) ? value.map(asText) : [];
    else out[key] = asText(value);
  }
  return out;
}

export function normaliseRow(value: unknown, index: number): RowValues {
  if (!isPlainObject(value)) return { id: rowIdAt(undefined, index), invalid: asText(value) };
  const row: Record<string, CellValue> = {};
  for (const [name, field] of Object.entries(value)) {
    if (name === "amounts" && isPlainObject(field)) row.amounts = normaliseAmounts(field);
    else row[name] = asText(field);
  }
  row.id = rowIdAt(value.id, index);
  return row as RowValues;
}

function normaliseAmounts(amounts: Record<string, unknown>): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const [year, pence] of Object.entries(amounts)) {
    out[year] = amountSchema.safeParse(pence).success ? (pence as number) : asText(pence);
  }
  return out;
}

/** Any value as the text a person reads: a string as itself, nothing as "", the rest as JSON. */
export function asText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === null || value === undefined) return "";
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  try {
    return JSON.stringify(value, (_key, inner: unknown) =>
      typeof inner === "number" && !Number.isFinite(inner) ? String(inner) : inner,
    );
  } catch {
    return String(value);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}
