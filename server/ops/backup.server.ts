import { existsSync } from "node:fs";
import Database from "better-sqlite3";
import { SqliteStore, type Store } from "../../db/store.server";

export class BackupError extends Error {}

/**
 * Copies the live database with SQLite's online backup API: the copy is one consistent moment
 * even while the server keeps writing, and is checked before it is called good. A PostgreSQL
 * store is PostgreSQL's to copy, with its own tools.
 */
export async function backupDatabase(store: Store, target: string): Promise<{ pages: number }> {
  if (!(store instanceof SqliteStore)) {
    throw new BackupError(
      "backup copies the SQLite file, and this instance keeps its data in PostgreSQL (DATABASE_URL): " +
        'back it up with pg_dump instead, e.g. pg_dump --format=custom --file coplan.dump "$DATABASE_URL"',
    );
  }
  if (existsSync(target)) throw new BackupError(`${target} already exists; choose a new file`);
  const { totalPages } = await store.sync.$client.backup(target);
  const copy = new Database(target, { readonly: true });
  try {
    const result = copy.pragma("integrity_check", { simple: true });
    if (result !== "ok") throw new BackupError(`the copy at ${target} failed its integrity check: ${String(result)}`);
  } finally {
    copy.close();
  }
  return { pages: totalPages };
}
