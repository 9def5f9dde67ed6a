import { z } from "zod";

/** "Save version…": a name people will recognise in the history. */
export const namedVersionSchema = z.object({
  name: z.string().trim().min(1, "give the version a name").max(120, "at most 120 characters"),
});

/** Restore the whole plan (no `sections`) or the sections named. */
export const restoreRequestSchema = z.object({
  sections: z
    .array(z.string().min(1).max(200))
    .min(1, "name at least one section, or leave sections out")
    .max(200)
    .optional(),
});

/** A version id from a URL; null for anything that cannot be one. */
export function parseVersionId(raw: string | null | undefined): number | null {
  if (!raw || !/^[1-9][0-9]{0,15}$/.test(raw)) return null;
  const id = Number(raw);
  return Number.isSafeInteger(id) ? id : null;
}
