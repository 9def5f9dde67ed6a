import { z } from "zod";
import { ROLES } from "./permissions";

const role = z.enum(ROLES, { error: `role must be one of ${ROLES.join(", ")}` });

export const addMemberSchema = z.object({
  email: z.string().trim().min(1, "email is required").max(320),
  role,
});

export const changeRoleSchema = z.object({ role });
