/**
 * Dates as people in the UK public sector write them. The time zone is fixed so the page the
 * server renders and the page the browser hydrates say the same thing.
 */
const dateTime = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  timeZone: "Europe/London",
});

export function formatDateTime(iso: string): string {
  return dateTime.format(new Date(iso));
}

const longDate = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "long",
  year: "numeric",
  timeZone: "Europe/London",
});

/** "23 November 2026", for a date or a time. */
export function formatLongDate(date: Date): string {
  return longDate.format(date);
}

/** "6 December 2026", for a calendar date written `YYYY-MM-DD` (read at midday, so in any zone). */
export function formatCalendarDate(date: string): string {
  return longDate.format(new Date(`${date}T12:00:00Z`));
}
