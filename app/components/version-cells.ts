import { formatPounds } from "~/shared/budget";
import {
  BUDGET_ASSET_FIELDS,
  BUDGET_FUNDING_FIELDS,
  STRUCTURED_FIELDS,
  type FieldDef,
} from "~/shared/structured-fields";

/** Every structured field by name (no two kinds use one name for different things). */
const FIELDS = new Map<string, FieldDef>(
  [...BUDGET_FUNDING_FIELDS, ...BUDGET_ASSET_FIELDS, ...Object.values(STRUCTURED_FIELDS).flat()].map((field) => [
    field.name,
    field,
  ]),
);

/** A stored value as the page shows it: a choice by its label ("pooled" as "Pooled"). */
function shown(field: string, value: string): string {
  return FIELDS.get(field)?.options?.find((option) => option.value === value)?.label ?? value;
}

/** An added or removed row in one line: its filled-in text cells. */
export function rowSummary(row: Record<string, unknown>): string {
  return Object.entries(row)
    .filter(
      ([name, value]) =>
        name !== "id" && name !== "rowType" && name !== "amounts" && typeof value === "string" && value !== "",
    )
    .map(([name, value]) => shown(name, value as string))
    .join(" · ");
}

/** A field as the page heads its column: "fundingLine" as "Funding line", "amounts.2012-13" as "2012-13". */
export function fieldLabel(field: string): string {
  if (field.startsWith("amounts.")) return field.slice("amounts.".length);
  const label = FIELDS.get(field)?.label ?? field.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
  return label.charAt(0).toUpperCase() + label.slice(1);
}

/** One side of a changed cell: amounts in pounds, choices by their labels, a missing value as a dash. */
export function cellText(field: string, value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (field.startsWith("amounts.") && typeof value === "number") return formatPounds(value);
  return shown(field, String(value));
}
