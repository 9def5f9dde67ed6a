export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((x, y) => x - y);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/** "1.23x", or "n/a" when either side is missing. */
export function ratio(value: number | undefined, reference: number | undefined): string {
  if (
    value === undefined ||
    reference === undefined ||
    !Number.isFinite(value) ||
    !Number.isFinite(reference) ||
    reference === 0
  )
    return "n/a";
  return `${round(value / reference)}x`;
}
