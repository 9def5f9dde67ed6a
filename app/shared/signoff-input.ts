import { z } from "zod";

/** A sign-off names the wording it covers by the hash the signatory was shown. */
export const signoffRequestSchema = z.object({
  contentHash: z
    .string()
    .regex(/^[0-9a-f]{64}$/, "must be the section's contentHash as GET /api/plans/:id gives it")
    .optional(),
});
