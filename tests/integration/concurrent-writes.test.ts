import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { closeDatabase, openDatabase } from "../../db/client.server";
import { plans, planVersions, signoffs, users } from "../../db/schema";
import { TEMPLATES_DIR } from "../../server/services.server";
import { loadTemplates } from "../../server/templates/template-files.server";

const ROUNDS = 150;

interface Tally {
  written: number;
  refused: number;
  errors: string[];
}

/** A database with one plan and two signatories of the same side, as two processes would share it. */
function sharedDatabase(): string {
  const path = join(mkdtempSync(join(tmpdir(), "coplan-race-")), "race.sqlite");
  const db = openDatabase(path);
  const template = loadTemplates(TEMPLATES_DIR).get("single-budget-for-a-place")!;
  db.insert(plans).values({ id: "plan-1", title: "T", area: "A", templateId: template.id, template }).run();
  for (const id of ["u1", "u2"]) {
    db.insert(users)
      .values({ id, email: `${id}@example.org`, name: id, organisation: "Swindon", side: "local", passwordHash: "x" })
      .run();
  }
  closeDatabase(db);
  return path;
}

/** Starts one writer process per user, lets them go at once, and collects their tallies. */
async function race(path: string, kind: "versions" | "signoffs"): Promise<Tally[]> {
  const writers = ["u1", "u2"].map((userId) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "tests/support/racing-writer.ts", path, kind, String(ROUNDS), "plan-1", userId],
      { stdio: ["pipe", "pipe", "inherit"], env: { ...process.env, LOG_LEVEL: "silent" } },
    );
    let output = "";
    const ready = new Promise<void>((resolve) => {
      child.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        if (output.startsWith("ready\n")) resolve();
      });
    });
    const done = new Promise<Tally>((resolve, reject) => {
      child.on("exit", (code) =>
        code === 0 ? resolve(JSON.parse(output.slice("ready\n".length)) as Tally) : reject(new Error(`exit ${code}`)),
      );
    });
    return { child, ready, done };
  });
  await Promise.all(writers.map((writer) => writer.ready));
  for (const writer of writers) writer.child.stdin.end("go\n");
  return Promise.all(writers.map((writer) => writer.done));
}

describe("two processes writing the same plan at once", () => {
  it("never make an automatic version identical to the one before it", async () => {
    const path = sharedDatabase();
    const tallies = await race(path, "versions");
    expect(tallies.flatMap((tally) => tally.errors)).toEqual([]);
    const db = openDatabase(path);
    const hashes = db
      .select({ hash: planVersions.contentHash })
      .from(planVersions)
      .orderBy(planVersions.id)
      .all()
      .map((row) => row.hash);
    closeDatabase(db);
    expect(hashes.length).toBe(tallies.reduce((sum, tally) => sum + tally.written, 0));
    const repeated = hashes.filter((hash, i) => i > 0 && hash === hashes[i - 1]);
    expect(repeated).toEqual([]);
  });

  it("sign a side's section once per wording: the other is refused, never an error", async () => {
    const path = sharedDatabase();
    const tallies = await race(path, "signoffs");
    expect(tallies.flatMap((tally) => tally.errors)).toEqual([]);
    expect(tallies.reduce((sum, tally) => sum + tally.refused, 0)).toBeGreaterThan(0);
    const db = openDatabase(path);
    const rows = db.select().from(signoffs).orderBy(signoffs.id).all();
    closeDatabase(db);
    expect(rows.filter((row) => row.revokedAt === null)).toHaveLength(1);
    // Each record superseded the one before it, which was of the other wording.
    const repeated = rows.filter((row, i) => i > 0 && row.contentHash === rows[i - 1]!.contentHash);
    expect(repeated).toEqual([]);
  });
});
