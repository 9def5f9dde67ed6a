import { z } from "zod";

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written `YYYY-MM-DD` (not 2026-02-30). */
export function isCalendarDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const day = z.string({ error: "give a date as YYYY-MM-DD" }).refine(isCalendarDate, "give a real date as YYYY-MM-DD");

/** `PUT /api/account/deputy`: who stands in, from which day to which day (inclusive, UK days). */
export const deputyInputSchema = z.object({
  email: z.string({ error: "give the deputy's email" }).trim().min(3, "give the deputy's email").max(320),
  from: day,
  until: day,
});

export type DeputyInput = z.infer<typeof deputyInputSchema>;
