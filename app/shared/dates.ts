/**
 * Dates as people in the UK public sector write them. The time zone is fixed so the page the
 * server renders and the page the browser hydrates say the same thing.
 */

/** A formatter made on first use: each takes milliseconds to make, on a phone's slowest start. */
function formatter(locale: string, options: Intl.DateTimeFormatOptions): () => Intl.DateTimeFormat {
  let made: Intl.DateTimeFormat | undefined;
  return () => (made ??= new Intl.DateTimeFormat(locale, options));
}

const dateTime = formatter("en-GB", {
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  timeZone: "Europe/London",
});

export function formatDateTime(iso: string): string {
  return dateTime().format(new Date(iso));
}

const longDate = formatter("en-GB", {
  day: "numeric",
  month: "long",
  year: "numeric",
  timeZone: "Europe/London",
});

/** "23 November 2026", for a date or a time. */
export function formatLongDate(date: Date): string {
  return longDate().format(date);
}

const dayMonth = formatter("en-GB", { day: "numeric", month: "short", timeZone: "Europe/London" });

/**
 * "3 Dec", for a moment (as the UK saw it) or for a calendar date written `YYYY-MM-DD` (read at
 * noon UTC, which is the same day in London all year).
 */
export function formatDayMonth(value: string): string {
  return dayMonth().format(new Date(value.length === 10 ? `${value}T12:00:00Z` : value));
}

const calendarLong = formatter("en-GB", {
  weekday: "long",
  day: "numeric",
  month: "long",
  year: "numeric",
  timeZone: "UTC",
});

/** "Tuesday 8 December 2026", for a calendar date written `YYYY-MM-DD`. */
export function formatCalendarDate(value: string): string {
  return calendarLong().format(new Date(`${value}T00:00:00Z`));
}
