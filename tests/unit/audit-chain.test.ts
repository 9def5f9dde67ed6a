import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { describe, expect, it } from "vitest";
import { closeDatabase, openDatabase } from "../../db/client.server";
import { canonicalEntry, canonicalJson, storedDetail, verifyAuditChains } from "../../server/plans/audit-chain.server";
import { recordAudit } from "../../server/plans/audit.server";
import { SqliteStore } from "../../db/store.server";

const MIGRATIONS = resolve(import.meta.dirname, "../../db/migrations");

/** The migrations as they were before the chain: every one up to the one that added it. */
function migrationsBeforeTheChain(): string {
  const dir = mkdtempSync(join(tmpdir(), "coplan-migrations-"));
  mkdirSync(join(dir, "meta"));
  const journal = JSON.parse(readFileSync(join(MIGRATIONS, "meta/_journal.json"), "utf8")) as {
    entries: { tag: string }[];
  };
  const before = journal.entries.slice(
    0,
    journal.entries.findIndex((entry) => entry.tag.endsWith("_audit_chain")),
  );
  for (const entry of before) copyFileSync(join(MIGRATIONS, `${entry.tag}.sql`), join(dir, `${entry.tag}.sql`));
  writeFileSync(join(dir, "meta/_journal.json"), JSON.stringify({ ...journal, entries: before }));
  return dir;
}

describe("the audit chain's canonical form", () => {
  it("is the entry's six fields as canonical JSON, keys sorted at every depth", () => {
    const entry = {
      planId: "p1",
      userId: null,
      type: "member.added",
      detail: { role: "editor", memberId: "u2", nested: { z: [1, "é\n"], a: null } },
      createdAt: new Date(Date.UTC(2026, 11, 6, 7, 0, 0, 5)),
    };
    const text = canonicalEntry(entry, "0".repeat(64));
    expect(text).toBe(
      `{"actor":null,"at":"2026-12-06T07:00:00.005Z","detail":{"memberId":"u2","nested":{"a":null,"z":[1,"é\\n"]},"role":"editor"},"plan":"p1","prevHash":"${"0".repeat(64)}","type":"member.added"}`,
    );
    expect(text).toBe(
      canonicalJson({
        type: entry.type,
        prevHash: "0".repeat(64),
        plan: entry.planId,
        detail: entry.detail,
        at: entry.createdAt.toISOString(),
        actor: entry.userId,
      }),
    );
    expect(JSON.stringify(storedDetail({ b: 1, a: new Date(0), c: undefined }))).toBe(
      '{"a":"1970-01-01T00:00:00.000Z","b":1}',
    );
  });
});

describe("a database from before the chain", () => {
  it("is linked on first open, in id order per chain, and then verifies and takes new entries", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "coplan-upgrade-")), "old.sqlite");
    const old = new Database(path);
    migrate(drizzle(old), { migrationsFolder: migrationsBeforeTheChain() });
    old
      .prepare(
        "INSERT INTO users (id, email, name, organisation, side, password_hash) VALUES ('u1', 'a@example.org', 'A', 'Org', 'local', 'x')",
      )
      .run();
    old
      .prepare(
        "INSERT INTO plans (id, title, area, template_id, template) VALUES ('p1', 'Old plan', 'Swindon', 't', '{}')",
      )
      .run();
    const insert = old.prepare("INSERT INTO audit_events (plan_id, user_id, type, detail) VALUES (?, ?, ?, ?)");
    insert.run("p1", "u1", "plan.created", null);
    insert.run(null, "u1", "session.signed-in", '{"address":"192.0.2.1"}');
    insert.run("p1", "u1", "member.added", '{"role":"editor","memberId":"u2"}');
    old.close();

    const db = openDatabase(path);
    try {
      const report = verifyAuditChains(db.$client);
      expect(report.broken).toBeNull();
      expect(report.entries).toBe(3);
      expect(report.heads.map((head) => [head.planId, head.id, head.entries])).toEqual([
        [null, 2, 1],
        ["p1", 3, 2],
      ]);
      await recordAudit(new SqliteStore(db), {
        planId: "p1",
        userId: "u1",
        type: "plan.changed",
        detail: { title: "Renamed" },
      });
      const after = verifyAuditChains(db.$client);
      expect(after.broken).toBeNull();
      expect(after.heads.find((head) => head.planId === "p1")?.entries).toBe(3);
    } finally {
      closeDatabase(db);
    }
  });
});
