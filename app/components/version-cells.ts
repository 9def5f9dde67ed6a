import { formatPounds } from "~/shared/budget";

/** A version's cell as text: amounts as "year: £…" pairs, other fields as they are. */
export function cellOf(field: string, value: unknown): string {
  if (field === "amounts" && typeof value === "object" && value !== null) {
    return Object.entries(value)
      .map(([year, pence]) => `${year}: ${typeof pence === "number" ? formatPounds(pence) : String(pence)}`)
      .join(", ");
  }
  return typeof value === "string" ? value : "";
}

/** An added or removed row in one line: its filled-in text cells. */
export function rowSummary(row: Record<string, unknown>): string {
  return Object.entries(row)
    .filter(([name, value]) => name !== "id" && name !== "amounts" && typeof value === "string" && value !== "")
    .map(([, value]) => value)
    .join(" · ");
}

/** "fundingLine" as "funding line", "amounts.2012-13" as "2012-13". */
export function fieldLabel(field: string): string {
  if (field.startsWith("amounts.")) return field.slice("amounts.".length);
  return field.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
}

/** One side of a changed cell: amounts in pounds, a missing value as a dash. */
export function cellText(field: string, value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (field.startsWith("amounts.") && typeof value === "number") return formatPounds(value);
  return String(value);
}
