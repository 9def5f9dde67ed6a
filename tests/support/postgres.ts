import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";

export interface TestDatabase {
  url: string;
  /** Drops the database, ending whatever is still connected to it. */
  drop(): Promise<void>;
}

/** A new, empty database of the test's own on the tests' PostgreSQL server. */
export async function makeDatabase(): Promise<TestDatabase> {
  const server = inject("postgresUrl");
  const name = `coplan_test_${inject("postgresRun")}_${randomBytes(6).toString("hex")}`;
  await onServer(server, (client) => client.query(`create database ${name}`));
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => onServer(server, (client) => client.query(`drop database if exists ${name} with (force)`)),
  };
}

async function onServer(url: string, run: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await run(client);
  } finally {
    await client.end();
  }
}
