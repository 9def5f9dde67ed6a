/** Milliseconds since the epoch, as the part of the server that is handed it tells time. */
export type Clock = () => number;

/**
 * The real clock, or, given `startsAt` (an ISO instant), one that reads `startsAt` when it is
 * made and runs on at the real clock's pace. Deputyships are timed by it (decision 0041), so a
 * test can start a server a few seconds before a day ends and see a period end on its own.
 */
export function makeClock(startsAt?: string): Clock {
  if (!startsAt) return () => Date.now();
  const offset = Date.parse(startsAt) - Date.now();
  return () => Date.now() + offset;
}
