import { is } from "drizzle-orm";
import { getTableConfig, SQLiteTable } from "drizzle-orm/sqlite-core";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migratePostgres } from "../../db/postgres/migrate.server";
import * as sqlite from "../../db/schema";
import { makeDatabase, type TestDatabase } from "../support/postgres";

let database: TestDatabase;
let client: pg.Client;

beforeAll(async () => {
  database = await makeDatabase();
  await migratePostgres(database.url);
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
});

afterAll(async () => {
  await client?.end();
  await database?.drop();
});

/** The message PostgreSQL refused `sql` with, or null if it ran. */
async function refusal(sql: string, values: unknown[] = []): Promise<string | null> {
  try {
    await client.query(sql, values);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

const HASH = (n: number) => n.toString(16).padStart(64, "0");

describe("the PostgreSQL store's migrations", () => {
  it("make every table of the SQLite schema, and run again as a no-op", async () => {
    await migratePostgres(database.url);
    const { rows } = await client.query<{ name: string }>(
      "select table_name as name from information_schema.tables where table_schema = 'public'",
    );
    const expected = Object.values(sqlite as Record<string, unknown>)
      .filter((value): value is SQLiteTable => is(value, SQLiteTable))
      .map((table) => getTableConfig(table).name);
    expect(rows.map((row) => row.name).sort()).toEqual([...expected, "plan_leases"].sort());
  });

  it("keep the audit log append-only and its chains unforked, as the SQLite triggers do", async () => {
    const insert = "insert into audit_events (plan_id, type, prev_hash, hash) values ($1, 'plan.created', $2, $3)";
    expect(await refusal(insert, ["plan-1", HASH(0), HASH(1)])).toBeNull();
    expect(await refusal(insert, ["plan-1", HASH(1), HASH(2)])).toBeNull();
    expect(await refusal(insert, ["plan-1", HASH(0), HASH(3)])).toMatch(/audit_events_link_idx/);
    expect(await refusal(insert, [null, HASH(0), HASH(4)])).toBeNull();
    expect(await refusal(insert, ["plan-2", "", HASH(5)])).toBe("audit entries are written with prevHash and hash");
    expect(await refusal("update audit_events set type = 'edited'")).toBe("audit entries are never changed");
    expect(await refusal("delete from audit_events")).toBe("audit entries are never deleted");
    expect(await refusal("truncate audit_events")).toBe("audit entries are never deleted");
    const { rows } = await client.query("select count(*)::int as n from audit_events");
    expect(rows[0].n).toBe(3);
  });

  it("index search documents' words, stemmed, with the title above the body", async () => {
    await client.query(
      "insert into users (id, email, name, organisation, side, password_hash) values ('u', 'u@example.org', 'U', 'Swindon', 'local', 'x')",
    );
    await client.query(
      "insert into plans (id, title, area, template_id, template) values ('p', 'Plan', 'Swindon', 't', '{}')",
    );
    const document =
      "insert into search_documents (plan_id, section_key, title, body, edited_at) values ('p', $1, $2, $3, now())";
    await client.query(document, ["intro", "Families first", "Nothing of note."]);
    await client.query(document, ["budget", "Budget", "We fund twelve families in Swindon."]);
    const { rows } = await client.query<{ section_key: string }>(
      `select section_key from search_documents, websearch_to_tsquery('english', $1) query
       where search_vector @@ query order by ts_rank(search_vector, query) desc`,
      ["family"],
    );
    expect(rows.map((row) => row.section_key)).toEqual(["intro", "budget"]);
  });
});
