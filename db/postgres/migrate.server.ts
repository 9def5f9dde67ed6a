import { fileURLToPath } from "node:url";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";

const MIGRATIONS = fileURLToPath(new URL("./migrations", import.meta.url));

/** Any number naming the migrations' lock: processes starting together migrate one at a time. */
const MIGRATION_LOCK = 40_470_047;

/**
 * Brings the database at `url` to the newest schema; each migration runs once, in a transaction.
 * Processes starting at once take turns (a session lock on the one connection): the second finds
 * the migrations applied rather than applying them again and failing.
 */
export async function migratePostgres(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK]);
    await migrate(drizzle(client), { migrationsFolder: MIGRATIONS });
  } finally {
    await client.end();
  }
}
