import { z } from "zod";
import { commentAnchorSchema } from "./comment-input";

/** The longest text one suggestion may put in (a paragraph or two, not a document). */
export const SUGGESTION_MAX_CHARS = 10_000;

const sectionKey = z.string({ error: "sectionKey is required" }).min(1).max(100);

/** `{sectionKey, anchor, text}` replaces the anchored words (start = end inserts; "" deletes). */
export const textSuggestionSchema = z.strictObject({
  sectionKey,
  anchor: commentAnchorSchema,
  text: z
    .string({ error: "text is required" })
    .max(SUGGESTION_MAX_CHARS, `text is longer than ${SUGGESTION_MAX_CHARS.toLocaleString("en-GB")} characters`),
});

/** `{sectionKey, rowId, field, value}` proposes a value for one cell (`amounts.<year>` for a budget amount). */
export const cellSuggestionSchema = z.strictObject({
  sectionKey,
  rowId: z.string({ error: "rowId is required" }).min(1).max(200),
  field: z.string({ error: "field is required" }).min(1).max(100),
  value: z.union([z.string().max(SUGGESTION_MAX_CHARS), z.number()], { error: "value must be text or a number" }),
});

export const newSuggestionSchema = z.union([textSuggestionSchema, cellSuggestionSchema], {
  error: "give {sectionKey, anchor, text} or {sectionKey, rowId, field, value}",
});
export type NewSuggestion = z.infer<typeof newSuggestionSchema>;

export const rejectSuggestionSchema = z.strictObject({
  reason: z.string().trim().max(2000, "reason is longer than 2000 characters").optional(),
});

/** Which open suggestions `.../suggestions/accept-all` or `.../reject-all` decides: a section's, one person's, or both. */
export const bulkDecisionSchema = z.strictObject({
  sectionKey: sectionKey.optional(),
  authorId: z.string().min(1).max(200).optional(),
  reason: z.string().trim().max(2000, "reason is longer than 2000 characters").optional(),
});
