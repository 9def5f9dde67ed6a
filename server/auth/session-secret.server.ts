import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import type { SqliteDb } from "../../db/client.server";
import { settings } from "../../db/schema";

/**
 * SESSION_SECRET when given; otherwise a random secret made once and kept in the database, so
 * a fresh `npm start` needs no configuration and sign-ins survive a restart.
 */
export function resolveSessionSecret(db: SqliteDb, configured: string | undefined): string {
  if (configured) return configured;
  const stored = db.select().from(settings).where(eq(settings.key, "session_secret")).get();
  if (stored) return stored.value;
  const secret = randomBytes(32).toString("base64url");
  db.insert(settings).values({ key: "session_secret", value: secret }).onConflictDoNothing().run();
  return db.select().from(settings).where(eq(settings.key, "session_secret")).get()!.value;
}
