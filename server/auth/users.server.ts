import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { SIDES } from "../../app/shared/permissions";
import type { SqliteDb } from "../../db/client.server";
import { users, type User } from "../../db/schema";
import { hashPassword } from "./passwords.server";

export const newUserSchema = z.object({
  email: z.email().transform((email) => email.trim().toLowerCase()),
  name: z.string().trim().min(1, "name is required").max(200),
  password: z.string().min(8, "password must be at least 8 characters").max(1000),
  organisation: z.string().trim().min(1, "organisation is required").max(200),
  side: z.enum(SIDES, { error: "side must be local or whitehall" }),
});

export type NewUserInput = z.output<typeof newUserSchema>;

export class UserExistsError extends Error {}

export async function createUser(db: SqliteDb, data: NewUserInput, options: { isAdmin?: boolean } = {}): Promise<User> {
  if (findUserByEmail(db, data.email)) {
    throw new UserExistsError(`a user with email ${data.email} already exists`);
  }
  const passwordHash = await hashPassword(data.password);
  return db
    .insert(users)
    .values({
      id: randomUUID(),
      email: data.email,
      name: data.name,
      organisation: data.organisation,
      side: data.side,
      passwordHash,
      isAdmin: options.isAdmin ?? false,
    })
    .returning()
    .get();
}

export function findUserByEmail(db: SqliteDb, email: string): User | undefined {
  return db.select().from(users).where(eq(users.email, email.trim().toLowerCase())).get();
}
