const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/**
 * How automatic versions thin as they age (decision 0017): every one from the last day, then
 * the newest of each hour for a month, then the newest of each day. Named, sign-off and
 * restore versions are never thinned.
 */
export const RETENTION = { keepAllFor: DAY, hourlyFor: 30 * DAY } as const;

export interface AgedVersion {
  id: number;
  kind: string;
  createdAt: Date;
}

/** The automatic versions to delete now: those that are not the newest of their bucket. */
export function versionsToThin(versions: readonly AgedVersion[], now: Date): number[] {
  const seenBuckets = new Set<string>();
  const drop: number[] = [];
  const newestFirst = [...versions].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id - a.id);
  for (const version of newestFirst) {
    if (version.kind !== "auto") continue;
    const age = now.getTime() - version.createdAt.getTime();
    if (age < RETENTION.keepAllFor) continue;
    const span = age < RETENTION.hourlyFor ? HOUR : DAY;
    const bucket = `${span}:${Math.floor(version.createdAt.getTime() / span)}`;
    if (seenBuckets.has(bucket)) drop.push(version.id);
    else seenBuckets.add(bucket);
  }
  return drop;
}
