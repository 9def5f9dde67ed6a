import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import * as Y from "yjs";
import type { SqliteDb } from "../../db/client.server";
import * as schema from "../../db/schema";
import { SqliteDocStore } from "../../server/collab/doc-store.server";
import { PostgresDocStore } from "../../server/collab/postgres-doc-store.server";
import { closePostgres, openPostgres } from "../../db/postgres/client.server";

/** Reads the server's SQLite file from outside the server, as an operator would. */
export function queryDatabase<T>(path: string, sql: string): T {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).get() as T;
  } finally {
    db.close();
  }
}

export function countRows(path: string, table: "plan_updates" | "plan_snapshots"): number {
  return queryDatabase<{ n: number }>(path, `select count(*) as n from ${table}`).n;
}

/**
 * The plan's document as stored (snapshot and log), read beside the running server: from its
 * PostgreSQL database when it has one, else from its SQLite file.
 */
export async function storedDocumentOf(server: { databasePath: string; databaseUrl?: string }, planId: string) {
  if (!server.databaseUrl) return storedDocument(server.databasePath, planId);
  const db = await openPostgres(server.databaseUrl, 1);
  try {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, (await new PostgresDocStore(db).load(planId)).state);
    return doc;
  } finally {
    await closePostgres(db);
  }
}

/** The plan's document as stored on disk (snapshot and log), read beside the running server. */
export async function storedDocument(path: string, planId: string): Promise<Y.Doc> {
  const connection = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, (await new SqliteDocStore(drizzle(connection, { schema }) as SqliteDb).load(planId)).state);
    return doc;
  } finally {
    connection.close();
  }
}

/**
 * Changes the plan's stored document from outside the server, as an older server would have
 * written it: `change` edits a copy, and the difference is appended to the plan's update log.
 */
export async function rewriteStoredDocument(path: string, planId: string, change: (doc: Y.Doc) => void): Promise<void> {
  const connection = new Database(path, { fileMustExist: true });
  try {
    const store = new SqliteDocStore(drizzle(connection, { schema }) as SqliteDb);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, (await store.load(planId)).state);
    const before = Y.encodeStateVector(doc);
    change(doc);
    await store.append(planId, Y.encodeStateAsUpdate(doc, before));
  } finally {
    connection.close();
  }
}
