import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { linkUnchainedEntries } from "../server/plans/audit-chain.server";
import * as schema from "./schema";

export type SqliteDb = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

const MIGRATIONS = resolve(dirname(fileURLToPath(import.meta.url)), "migrations");

/**
 * Opens the database file, applies the committed migrations, links audit entries written before
 * the log was a hash chain (once, on the first open after the upgrade) and returns the client.
 * WAL lets readers run beside the one writer; synchronous=FULL makes every commit reach the
 * disk before the call returns, which is what "stored before relayed" relies on.
 */
export function openDatabase(path: string): SqliteDb {
  if (path !== ":memory:") mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = FULL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder: MIGRATIONS });
  linkUnchainedEntries(sqlite);
  return db;
}

export function closeDatabase(db: SqliteDb): void {
  if (!db.$client.open) return;
  db.$client.pragma("wal_checkpoint(TRUNCATE)");
  db.$client.close();
}
