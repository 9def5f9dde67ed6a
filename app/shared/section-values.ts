import { MAX_PENCE } from "./budget";

/**
 * The tolerant reader of a section's structured part, for the page and the server alike. It
 * holds no zod (the page loads it up front); the update check's schemas are in table-values.ts,
 * and `isAmount` here agrees with its `amountSchema`.
 */

/** An amount as stored: whole pence within the bounds the update check enforces. */
export function isAmount(value: unknown): value is number {
  return Number.isInteger(value) && Math.abs(value as number) <= MAX_PENCE;
}

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
    out[year] = isAmount(pence) ? pence : asText(pence);
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
