import type { StructuredKind } from "./structured-fields";

/** The columns that name a row, by table: two rows with the same values there are the same row. */
const KEY_FIELDS: Record<string, readonly string[]> = {
  funding: ["organisation", "department", "fundingLine"],
  asset: ["organisation", "assetType", "description"],
  outcomes: ["outcome"],
  milestones: ["milestone"],
  gap: ["theme"],
  "delivery-chain": ["service", "provider"],
  register: ["ask"],
};

export function keyFieldsOf(kind: StructuredKind, rowType?: string): readonly string[] {
  return KEY_FIELDS[kind === "budget" ? (rowType === "asset" ? "asset" : "funding") : kind] ?? [];
}
