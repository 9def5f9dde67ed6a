import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { closeDatabase, openDatabase } from "../../db/client.server";
import { users } from "../../db/schema";
import { entryHash, GENESIS_HASH, storedDetail, verifyAuditChains } from "../../server/plans/audit-chain.server";
import { seededRandom } from "../support/random";

const ROOT = resolve(import.meta.dirname, "../..");

/** What a plan's log holds, in roughly the mix a working plan writes. */
const KINDS: [string, (r: ReturnType<typeof seededRandom>) => Record<string, unknown>][] = [
  ["signoff.signed", (r) => ({ sectionKey: `section-${r.int(14)}`, side: "local", signoffId: r.int(1e6) })],
  ["signoff.stale", (r) => ({ sectionKey: `section-${r.int(14)}`, side: "whitehall", signedBy: randomUUID() })],
  ["signoff.revoked", (r) => ({ sectionKey: `section-${r.int(14)}`, side: "local" })],
  ["member.added", (r) => ({ memberId: randomUUID(), role: r.pick(["editor", "viewer", "signatory"]) })],
  ["member.role-changed", () => ({ memberId: randomUUID(), from: "viewer", to: "editor" })],
  ["version.restored", (r) => ({ versionId: r.int(1e4), sections: ["governance", "customer-insight"] })],
  ["plan.exported", (r) => ({ format: "pdf", withComments: r.next() < 0.5, bytes: r.int(5e6), versionId: null })],
];

const SIGN_IN: (typeof KINDS)[number] = ["session.signed-in", () => ({ address: "192.0.2.1" })];

function timed(work: () => unknown): number {
  const start = performance.now();
  work();
  return performance.now() - start;
}

/** CPU time, which a busy machine does not stretch as it stretches the clock. */
function cpu(work: () => unknown): number {
  const start = process.cpuUsage();
  work();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/**
 * `entries` audit entries (a tenth the instance's sign-ins, the rest spread over `plans` plan
 * chains) on a fresh database; then `verify-audit`'s walk timed in process (`runs`
 * times), and the command itself once as an operator runs it. The reference, in the same run:
 * reading every entry with the same query and no hashing, the floor for any check of the log.
 */
export function measureAuditVerify(entries: number, plans: number, runs: number, seed = 11) {
  const dir = mkdtempSync(join(tmpdir(), "coplan-bench-audit-"));
  const path = join(dir, "bench.sqlite");
  try {
    const db = openDatabase(path);
    const random = seededRandom(seed);
    const actors = Array.from({ length: 20 }, (_, index) => {
      const id = randomUUID();
      db.insert(users)
        .values({
          id,
          email: `u${index}@bench.example`,
          name: `User ${index}`,
          organisation: "Bench",
          side: "local",
          passwordHash: "x",
        })
        .run();
      return id;
    });
    const planIds = Array.from({ length: plans }, () => randomUUID());
    // Written the way recordAuditSync writes (same hashes, same stored detail), with one prepared
    // statement in one transaction, so that making 100,000 entries takes seconds, not minutes.
    const sqlite = db.$client;
    const insert = sqlite.prepare(
      "INSERT INTO audit_events (plan_id, user_id, type, detail, created_at, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
    );
    const generating = timed(() =>
      sqlite.transaction(() => {
        const heads = new Map<string | null, string>();
        const start = Date.now() - entries * 1000;
        for (let i = 0; i < entries; i++) {
          const [type, detail] = i % 10 === 0 ? SIGN_IN : random.pick(KINDS);
          const entry = {
            planId: i % 10 === 0 ? null : random.pick(planIds),
            userId: random.pick(actors),
            type,
            detail: storedDetail(detail(random)),
            createdAt: new Date(start + i * 1000),
          };
          const prevHash = heads.get(entry.planId) ?? GENESIS_HASH;
          const hash = entryHash(entry, prevHash);
          heads.set(entry.planId, hash);
          insert.run(
            entry.planId,
            entry.userId,
            type,
            JSON.stringify(entry.detail),
            entry.createdAt.getTime(),
            prevHash,
            hash,
          );
        }
      })(),
    );
    const read: number[] = [];
    const verify: number[] = [];
    const readCpu: number[] = [];
    const verifyCpu: number[] = [];
    const readAll = () => {
      for (const row of sqlite
        .prepare("SELECT id, plan_id, user_id, type, detail, created_at, prev_hash, hash FROM audit_events ORDER BY id")
        .raw(true)
        .iterate())
        void row;
    };
    let report = verifyAuditChains(sqlite);
    for (let run = 0; run < runs; run++) {
      read.push(timed(readAll));
      readCpu.push(cpu(readAll));
      verify.push(timed(() => (report = verifyAuditChains(sqlite))));
      verifyCpu.push(cpu(() => verifyAuditChains(sqlite)));
    }
    closeDatabase(db);
    const started = performance.now();
    const command = spawnSync(process.execPath, ["--import", "tsx", "server/ops/admin.ts", "verify-audit"], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_PATH: path },
      encoding: "utf8",
    });
    const commandMs = performance.now() - started;
    if (command.status !== 0) throw new Error(`verify-audit failed: ${command.stderr}`);
    const checkedIn = Number(/checked in (\d+) ms/.exec(command.stdout)?.[1]);
    return {
      entries: report.entries,
      chains: report.heads.length,
      broken: report.broken,
      generatingMs: generating,
      read,
      verify,
      readCpu,
      verifyCpu,
      commandMs,
      commandWalkMs: checkedIn,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
