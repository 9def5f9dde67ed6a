import { existsSync } from "node:fs";
import Database from "better-sqlite3";
import type { SqliteDb } from "../../db/client.server";

export class BackupError extends Error {}

/**
 * Copies the live database with SQLite's online backup API: the copy is one consistent moment
 * even while the server keeps writing, and is checked before it is called good.
 */
export async function backupDatabase(db: SqliteDb, target: string): Promise<{ pages: number }> {
  if (existsSync(target)) throw new BackupError(`${target} already exists; choose a new file`);
  const { totalPages } = await db.$client.backup(target);
  const copy = new Database(target, { readonly: true });
  try {
    const result = copy.pragma("integrity_check", { simple: true });
    if (result !== "ok") throw new BackupError(`the copy at ${target} failed its integrity check: ${String(result)}`);
  } finally {
    copy.close();
  }
  return { pages: totalPages };
}
