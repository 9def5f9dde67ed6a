import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { SIDES } from "../../app/shared/permissions";
import type { Store } from "../../db/store.server";
import type { User } from "../../db/schema";
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

export async function createUser(store: Store, data: NewUserInput, options: { isAdmin?: boolean } = {}): Promise<User> {
  if (await findUserByEmail(store, data.email)) {
    throw new UserExistsError(`a user with email ${data.email} already exists`);
  }
  const passwordHash = await hashPassword(data.password);
  const { users } = store.tables;
  // The unique email refuses a second account made meanwhile by another process.
  const [created] = await store.db
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
    .onConflictDoNothing({ target: users.email })
    .returning();
  if (!created) throw new UserExistsError(`a user with email ${data.email} already exists`);
  return created;
}

export async function findUserByEmail(store: Store, email: string): Promise<User | undefined> {
  const { users } = store.tables;
  const [user] = await store.db.select().from(users).where(eq(users.email, email.trim().toLowerCase()));
  return user;
}
