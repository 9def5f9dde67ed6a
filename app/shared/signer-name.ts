/**
 * Who signed, as records show it: "Dan Deputy for Margaret Hale" when a deputy signed. A module
 * of its own, so pages that show records (the portfolio) do not load the plan-event protocol.
 */
export function signerName(record: { signedBy: { name: string }; onBehalfOf: { name: string } | null }): string {
  return record.onBehalfOf ? `${record.signedBy.name} for ${record.onBehalfOf.name}` : record.signedBy.name;
}
