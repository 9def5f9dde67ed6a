import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Store } from "../../db/store.server";

/**
 * SESSION_SECRET when given; otherwise a random secret made once and kept in the database, so
 * a fresh `npm start` needs no configuration and sign-ins survive a restart.
 */
export async function resolveSessionSecret(store: Store, configured: string | undefined): Promise<string> {
  if (configured) return configured;
  const { settings } = store.tables;
  const [stored] = await store.db.select().from(settings).where(eq(settings.key, "session_secret"));
  if (stored) return stored.value;
  const secret = randomBytes(32).toString("base64url");
  // Two processes starting on one new database each make one; the first stored is the secret.
  await store.db.insert(settings).values({ key: "session_secret", value: secret }).onConflictDoNothing();
  const [kept] = await store.db.select().from(settings).where(eq(settings.key, "session_secret"));
  return kept!.value;
}
