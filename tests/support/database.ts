import Database from "better-sqlite3";

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
