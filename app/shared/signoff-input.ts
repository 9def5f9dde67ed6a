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
