import { z } from "zod";

/**
 * A sign-off names the wording it covers by the hash the signatory was shown, and carries the
 * signer's own password (checked, never kept). Anything else sent, such as a `meaning`, is
 * dropped: the server writes the statement signed.
 */
export const signoffRequestSchema = z.object({
  contentHash: z
    .string()
    .regex(/^[0-9a-f]{64}$/, "must be the section's contentHash as GET /api/plans/:id gives it")
    .optional(),
  password: z.string().max(1000, "password: at most 1000 characters").optional(),
});

/** A calendar date as `YYYY-MM-DD` that exists (no 31 February). */
const calendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date written YYYY-MM-DD, e.g. 2026-12-08")
  .refine((value) => {
    const date = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
  }, "is not a real date");

/** "Request sign-off" may say what to look at and by when; a date already past is allowed (it shows as overdue). */
export const askForSignoffSchema = z.object({
  message: z.string().trim().max(2000, "keep the message under 2,000 characters").optional(),
  dueDate: calendarDate.optional(),
});

/** Returning a section always says why. */
export const returnSectionSchema = z.object({
  reason: z
    .string({ error: "say why you return the section" })
    .trim()
    .min(1, "say why you return the section")
    .max(2000, "keep the reason under 2,000 characters"),
});
