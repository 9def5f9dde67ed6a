import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAdminWith } from "../support/admin";
import { makeDatabase, type TestDatabase } from "../support/postgres";

const USER = [
  "--email",
  "Nadia@Hull.example",
  "--name",
  "Nadia Khan",
  "--password",
  "long-enough-pw",
  "--org",
  "Hull City Council",
  "--side",
  "local",
];

/** DATABASE_PATH points nowhere usable: every command must read the PostgreSQL database instead. */
const NO_SQLITE = "/nonexistent/coplan.sqlite";

describe("npm run admin on a PostgreSQL store (DATABASE_URL)", () => {
  let database: TestDatabase;
  let admin: (...args: string[]) => ReturnType<typeof runAdminWith>;

  async function query<T>(text: string): Promise<T[]> {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      return (await client.query(text)).rows as T[];
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    database = await makeDatabase();
    admin = (...args) => runAdminWith({ DATABASE_URL: database.url, DATABASE_PATH: NO_SQLITE }, ...args);
  });
  afterAll(() => database?.drop());

  it("add-user creates users there, marks --admin, and refuses the same email again", async () => {
    const first = admin("add-user", ...USER);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("Created nadia@hull.example (Nadia Khan, Hull City Council, local)");
    const again = admin("add-user", ...USER);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("a user with email nadia@hull.example already exists");
    expect(admin("add-user", ...USER.map((v) => v.replace("Nadia@", "Boss@")), "--admin").code).toBe(0);
    expect(await query("select email, is_admin from users order by email")).toEqual([
      { email: "boss@hull.example", is_admin: true },
      { email: "nadia@hull.example", is_admin: false },
    ]);
  });

  it("seal-info makes the seal once and keeps it in the database", async () => {
    const first = admin("seal-info");
    expect(first.code).toBe(0);
    const fingerprint = /SHA-256 fingerprint: (\S+)/.exec(first.stdout)?.[1];
    expect(fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(first.stdout).toContain("self-signed, made on first start and kept in the database");
    expect(admin("seal-info").stdout).toContain(`SHA-256 fingerprint: ${fingerprint}`);
    expect(await query("select count(*)::int as n from instance_seals")).toEqual([{ n: 1 }]);
  });

  it("backup refuses, pointing to pg_dump, and writes nothing", () => {
    const target = join(mkdtempSync(join(tmpdir(), "coplan-backup-")), "copy.sqlite");
    const result = admin("backup", target);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("PostgreSQL (DATABASE_URL)");
    expect(result.stderr).toContain("pg_dump");
    expect(existsSync(target)).toBe(false);
  });

  it("an invalid DATABASE_URL is named, with exit status 1", () => {
    const result = runAdminWith({ DATABASE_URL: "mysql://localhost/coplan" }, "seal-info");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("DATABASE_URL: must be a postgres:// or postgresql:// URL");
  });
});
