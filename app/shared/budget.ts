import { TREATMENTS } from "./structured-fields";

/** Financial years a new budget starts with; a plan may add or remove years. */
export const DEFAULT_YEARS = ["2012-13", "2013-14", "2014-15"] as const;

export const MAX_PENCE = 100_000_000_000_000; // £1 trillion: past any public budget, within exact integers

/** Thousands, millions and billions, as budgets are written ("£120k", "£1.3m", "£2bn"). */
const SCALE_DIGITS: Record<string, number> = { k: 3, m: 6, bn: 9 };

/** An amount as typed ("£1,234.50", "1234", "-300", "£120k", "£1.3m"), in whole pence, or why it is refused. */
export function parsePounds(input: string): { ok: true; pence: number } | { ok: false; error: string } {
  const cleaned = input
    .trim()
    .replace(/^(-?)\s*£/, "$1")
    .replace(/,/g, "")
    .replace(/\s/g, "");
  if (cleaned === "") return { ok: false, error: "Enter an amount in pounds, like 1,250,000" };
  const parts = /^(-?)(\d+)(?:\.(\d+))?(k|m|bn)?$/i.exec(cleaned);
  const scale = SCALE_DIGITS[parts?.[4]?.toLowerCase() ?? ""] ?? 0;
  const fraction = parts?.[3] ?? "";
  if (!parts || fraction.length > scale + 2) {
    return { ok: false, error: "Use digits, with at most two decimal places, like 1,250,000, 99.50 or £1.3m" };
  }
  const pence = Number(parts[2]! + fraction.padEnd(scale + 2, "0"));
  if (pence > MAX_PENCE) return { ok: false, error: "That amount is too large" };
  return { ok: true, pence: parts[1] === "-" ? -pence : pence };
}

const wholePounds = new Intl.NumberFormat("en-GB", { style: "currency", currency: "GBP", maximumFractionDigits: 0 });
const withPence = new Intl.NumberFormat("en-GB", { style: "currency", currency: "GBP", minimumFractionDigits: 2 });

/** `£1,234,567`, with pence only when there are some. */
export function formatPounds(pence: number): string {
  return (pence % 100 === 0 ? wholePounds : withPence).format(pence / 100);
}

export interface BudgetRowData {
  rowType?: unknown;
  organisation?: unknown;
  treatment?: unknown;
  amounts?: unknown;
}

export interface BudgetData {
  rows?: BudgetRowData[];
  years?: unknown;
}

export interface TotalLine {
  label: string;
  perYear: Record<string, number>;
  total: number;
}

export interface BudgetTotals {
  years: string[];
  byYear: Record<string, number>;
  byTreatment: TotalLine[];
  byOrganisation: TotalLine[];
  /** Everything mapped, whatever its treatment. */
  total: number;
  /** The single budget: everything but what is out of scope. */
  inScope: number;
}

/** The budget's years: the plan's own list, or the defaults until someone edits it. */
export function budgetYears(data: BudgetData): string[] {
  const years = Array.isArray(data.years) ? data.years.filter((y): y is string => typeof y === "string") : [];
  return years.length > 0 ? years : [...DEFAULT_YEARS];
}

/**
 * Totals of a budget section by year, by treatment and by organisation, in pence. The UI, the
 * API and the PDF all call this one function. Amounts for years no longer in the budget, and
 * anything that is not a whole number of pence, are left out.
 */
export function budgetTotals(data: BudgetData): BudgetTotals {
  const years = budgetYears(data);
  const byYear = Object.fromEntries(years.map((y) => [y, 0]));
  const treatments = new Map<string, TotalLine>();
  const organisations = new Map<string, TotalLine>();
  const line = (map: Map<string, TotalLine>, label: string) => {
    let entry = map.get(label);
    if (!entry) {
      entry = { label, perYear: Object.fromEntries(years.map((y) => [y, 0])), total: 0 };
      map.set(label, entry);
    }
    return entry;
  };
  let total = 0;
  let outOfScope = 0;
  for (const row of data.rows ?? []) {
    const amounts = (typeof row.amounts === "object" && row.amounts !== null ? row.amounts : {}) as Record<
      string,
      unknown
    >;
    const treatment = TREATMENTS.find((t) => t.value === row.treatment)?.label ?? "Not yet decided";
    const organisation =
      typeof row.organisation === "string" && row.organisation.trim()
        ? row.organisation.trim()
        : "Organisation not given";
    for (const year of years) {
      const pence = amounts[year];
      if (typeof pence !== "number" || !Number.isSafeInteger(pence)) continue;
      byYear[year] = (byYear[year] ?? 0) + pence;
      for (const entry of [line(treatments, treatment), line(organisations, organisation)]) {
        entry.perYear[year] = (entry.perYear[year] ?? 0) + pence;
        entry.total += pence;
      }
      total += pence;
      if (row.treatment === "out-of-scope") outOfScope += pence;
    }
  }
  const treatmentOrder = [...TREATMENTS.map((t) => t.label), "Not yet decided"];
  return {
    years,
    byYear,
    byTreatment: [...treatments.values()].sort(
      (a, b) => treatmentOrder.indexOf(a.label) - treatmentOrder.indexOf(b.label),
    ),
    byOrganisation: [...organisations.values()].sort((a, b) => a.label.localeCompare(b.label)),
    total,
    inScope: total - outOfScope,
  };
}
