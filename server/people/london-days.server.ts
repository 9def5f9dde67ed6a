/**
 * Calendar days in Europe/London, the days officials mean when they say "from 1 to 12 December":
 * a day runs from local midnight to local midnight, whatever British Summer Time does.
 */
const parts = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/London",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

/** The London calendar date at `instant`, as `YYYY-MM-DD`. */
export function londonDate(instant: number): string {
  const p = Object.fromEntries(parts.formatToParts(new Date(instant)).map((part) => [part.type, part.value]));
  return `${p.year}-${p.month}-${p.day}`;
}

/** The instant London's day `date` (`YYYY-MM-DD`) begins. */
export function londonDayStart(date: string): number {
  const utcMidnight = Date.parse(`${date}T00:00:00Z`);
  // London is UTC or UTC+1, and its clocks change at 01:00 UTC, never at midnight: local
  // midnight is UTC midnight less the offset in force at that moment.
  const p = Object.fromEntries(parts.formatToParts(new Date(utcMidnight)).map((part) => [part.type, part.value]));
  const offsetHours = p.day === date.slice(8) ? Number(p.hour) : 0;
  return utcMidnight - offsetHours * 3_600_000;
}

/** The instant London's day `date` ends (the next day's start). */
export function londonDayEnd(date: string): number {
  const next = new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return londonDayStart(next);
}
