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
