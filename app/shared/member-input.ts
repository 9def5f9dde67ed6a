import { z } from "zod";
import { ROLES, SIDES } from "./permissions";

const role = z.enum(ROLES, { error: `role must be one of ${ROLES.join(", ")}` });

/** For someone without an account, who is invited: their organisation and side (the inviter's by default). */
export const addMemberSchema = z.object({
  email: z.string().trim().min(1, "email is required").max(320),
  role,
  organisation: z
    .string()
    .trim()
    .max(200, "organisation: at most 200 characters")
    .optional()
    .transform((v) => v || undefined),
  side: z
    .union([z.enum(SIDES), z.literal("")], { error: "side must be local or whitehall" })
    .optional()
    .transform((v) => v || undefined),
});

export const changeRoleSchema = z.object({ role });

/** PATCH of a member: a new role, or (for an owner) whether they also sign off, or both. */
export const changeMemberSchema = z
  .object({ role: role.optional(), signsOff: z.boolean({ error: "signsOff must be true or false" }).optional() })
  .refine((input) => input.role !== undefined || input.signsOff !== undefined, "give a role or signsOff");
