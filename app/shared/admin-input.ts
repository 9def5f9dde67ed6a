import { z } from "zod";
import { SIDES } from "./permissions";

export const adminInviteSchema = z.object({
  email: z.email({ error: "email: enter a valid email address" }).max(320),
  organisation: z.string().trim().min(1, "organisation is required").max(200),
  side: z.enum(SIDES, { error: "side must be local or whitehall" }),
});
