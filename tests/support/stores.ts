import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore, type Store } from "../../db/store.server";
import { makeDatabase } from "./postgres";

/** Both stores a repository test runs against. */
export const STORE_KINDS = ["sqlite", "postgres"] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

export interface TestStore {
  store: Store;
  /** Closes the store and removes its file or drops its database. */
  dispose(): Promise<void>;
}

/** A new, empty, migrated store of the kind: a SQLite file in a temporary folder, or a PostgreSQL database of its own. */
export async function openTestStore(kind: StoreKind): Promise<TestStore> {
  if (kind === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "coplan-store-"));
    const store = await openStore({ databasePath: join(dir, "coplan.db") });
    return {
      store,
      dispose: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const database = await makeDatabase();
  const store = await openStore({ databaseUrl: database.url, databasePath: "" });
  return {
    store,
    dispose: async () => {
      await store.close();
      await database.drop();
    },
  };
}
