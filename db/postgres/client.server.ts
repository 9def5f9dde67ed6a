import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import pg from "pg";
import { migratePostgres } from "./migrate.server";
import * as schema from "./schema";
import { moduleLog } from "../../server/log.server";

const logger = moduleLog("database");

export type PgDb = NodePgDatabase<typeof schema> & { $client: pg.Pool };

/**
 * Connects to the PostgreSQL database at `url` after bringing it to the newest schema. Every
 * statement is committed on the server before its promise resolves (synchronous_commit is on
 * by default), which is what "stored before relayed" relies on.
 */
export async function openPostgres(url: string, connections = 10): Promise<PgDb> {
  await migratePostgres(url);
  const pool = new pg.Pool({ connectionString: url, max: connections });
  // An idle connection the server ends (a restart, a dropped database) is replaced by the next
  // query; unheard, its error would stop the process.
  pool.on("error", (error) => logger.warn({ err: error }, "a PostgreSQL connection was lost"));
  return drizzle(pool, { schema });
}

export async function closePostgres(db: PgDb): Promise<void> {
  await db.$client.end();
}
