/** `npm run admin -- <command> ...`: administration from the command line. */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { z } from "zod";
import { openStore, type Store } from "../../db/store.server";
import { loadEnv, type Env } from "../env.server";
import { BackupError, backupDatabase } from "./backup.server";
import { createUser, newUserSchema, UserExistsError } from "../auth/users.server";
import { resolveSeal } from "../seal/instance-seal.server";
import { PdfNotVerified, verifySealedPdf } from "../seal/verify-pdf.server";
import { verifyStoreChains } from "../plans/audit-chain.server";

class UsageError extends Error {}

const USAGE = `Usage:
  npm run admin -- add-user --email E --name N --password P --org O --side local|whitehall [--admin]
                                    --admin makes an instance administrator (the /admin pages)
  npm run admin -- backup PATH        a consistent copy of the database, safe while the server runs
  npm run admin -- seal-info          the seal exported PDFs carry: its subject and SHA-256 fingerprint
  npm run admin -- verify-pdf FILE    checks an exported PDF's seal and its sign-offs against the database
  npm run admin -- verify-audit       checks every audit chain; prints each chain's head, or the first entry that breaks`;

/** Runs `run` on the store the environment names (DATABASE_URL's PostgreSQL, else DATABASE_PATH's file), then closes it. */
async function withStore(run: (store: Store, env: Env) => Promise<void>): Promise<void> {
  const env = loadEnv();
  const store = await openStore({ databaseUrl: env.DATABASE_URL, databasePath: env.DATABASE_PATH });
  try {
    await run(store, env);
  } finally {
    await store.close();
  }
}

async function addUser(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      email: { type: "string" },
      name: { type: "string" },
      password: { type: "string" },
      org: { type: "string" },
      side: { type: "string" },
      admin: { type: "boolean" },
    },
    strict: true,
  });
  await withStore(async (store) => {
    const input = newUserSchema.parse({
      email: values.email,
      name: values.name,
      password: values.password,
      organisation: values.org,
      side: values.side,
    });
    const user = await createUser(store, input, { isAdmin: values.admin ?? false });
    console.log(
      `Created ${user.email} (${user.name}, ${user.organisation}, ${user.side})${user.isAdmin ? ", an administrator," : ""} id ${user.id}`,
    );
  });
}

async function backup(args: string[]): Promise<void> {
  const { positionals } = parseArgs({ args, allowPositionals: true, strict: true });
  if (positionals.length !== 1) throw new UsageError("backup takes the path of the copy to make");
  await withStore(async (store) => {
    const { pages } = await backupDatabase(store, positionals[0]!);
    console.log(`Backed up ${pages} pages to ${positionals[0]}; integrity check ok`);
  });
}

async function sealInfo(args: string[]): Promise<void> {
  parseArgs({ args, strict: true });
  await withStore(async (store, env) => {
    const seal = await resolveSeal(store, env);
    console.log(`Subject: ${seal.subject.split("\n").join(", ")}`);
    console.log(`SHA-256 fingerprint: ${seal.fingerprint}`);
    console.log(
      `Source: ${seal.source === "p12" ? `SEAL_P12_PATH (${env.SEAL_P12_PATH})` : "self-signed, made on first start and kept in the database"}`,
    );
    console.log(`Valid until: ${seal.validTo}`);
  });
}

/** Exit status 0 only when the seal holds, it is this instance's, and every sign-off still matches. */
async function verifyPdf(args: string[]): Promise<void> {
  const { positionals } = parseArgs({ args, allowPositionals: true, strict: true });
  if (positionals.length !== 1) throw new UsageError("verify-pdf takes the path of one PDF");
  const path = positionals[0]!;
  let file: Buffer;
  try {
    file = readFileSync(path);
  } catch (error) {
    throw new Error(`cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`, {
      cause: error,
    });
  }
  await withStore(async (store, env) => {
    const result = await verifySealedPdf(file, await resolveSeal(store, env), store).catch((error: unknown) => {
      if (error instanceof PdfNotVerified) throw new PdfNotVerified(`${path} does not verify: ${error.message}`);
      throw error;
    });
    console.log(`${path}: the seal holds over the whole file${result.sealedAt ? `, sealed ${result.sealedAt}` : ""}`);
    console.log(`  sealed by this instance: ${result.sealedBy.subject}`);
    console.log(`  SHA-256 fingerprint ${result.sealedBy.fingerprint}`);
    console.log(
      `Plan "${result.evidence.planTitle}" (${result.evidence.planId})${result.evidence.versionId === null ? "" : `, version ${result.evidence.versionId}`}, exported ${result.evidence.exportedAt}: ${result.records.length} sign-off${result.records.length === 1 ? "" : "s"}`,
    );
    for (const { record, mismatch } of result.records) {
      console.log(
        `${mismatch ? "✗" : "✓"} #${record.id} section "${record.sectionTitle}" (${record.sectionKey}), ${record.side} side: signed by ${record.signedBy.name}, ${record.signedBy.organisation} (${record.signedBy.id}) at ${record.signedAt}${record.freshAtExport ? "" : ", already stale at export"}`,
      );
      if (record.meaning) console.log(`    meaning: ${record.meaning}${record.method ? ` (${record.method})` : ""}`);
      console.log(`    content hash ${record.contentHash}`);
      console.log(mismatch ? `    no longer matches: ${mismatch}` : "    matches the database");
    }
    const failed = result.records.filter((check) => check.mismatch).length;
    if (failed > 0) {
      console.error(`admin: ${path}: ${failed} of its sign-offs no longer match the database`);
      process.exitCode = 1;
    }
  });
}

/** Exit 0 with every chain's head, or 2 naming the first entry that does not hold. */
async function verifyAudit(args: string[]): Promise<void> {
  parseArgs({ args, strict: true });
  await withStore(async (store) => {
    const started = performance.now();
    const report = await verifyStoreChains(store);
    const ms = Math.round(performance.now() - started);
    if (report.broken) {
      const { id, planId, at, type, problem } = report.broken;
      console.error(
        `Audit log broken at entry ${id} (${planId ? `plan ${planId}` : "the instance's chain"}, ${at.toISOString()}, ${type}): ${problem}`,
      );
      process.exitCode = 2;
      return;
    }
    console.log(
      `Audit log intact: ${report.entries} entries in ${report.heads.length} chain${report.heads.length === 1 ? "" : "s"}, checked in ${ms} ms`,
    );
    for (const head of report.heads) {
      console.log(
        `${head.planId ? `plan ${head.planId}` : "instance"}: ${head.entries} entries, head entry ${head.id} (${head.at.toISOString()}) ${head.hash}`,
      );
    }
  });
}

const [command, ...rest] = process.argv.slice(2);
try {
  if (command === "add-user") await addUser(rest);
  else if (command === "backup") await backup(rest);
  else if (command === "seal-info") await sealInfo(rest);
  else if (command === "verify-pdf") await verifyPdf(rest);
  else if (command === "verify-audit") await verifyAudit(rest);
  else throw new UsageError(command ? `unknown command "${command}"` : "no command given");
} catch (error) {
  console.error(`admin: ${describe(error)}`);
  if (error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
    console.error(USAGE);
  }
  process.exit(1);
}

function describe(error: unknown): string {
  if (error instanceof z.ZodError) {
    return error.issues.map((issue) => `--${issueFlag(issue.path)}: ${issue.message}`).join("; ");
  }
  if (error instanceof UserExistsError || error instanceof BackupError || error instanceof PdfNotVerified)
    return error.message;
  return (error as Error).message;
}

function issueFlag(path: PropertyKey[]): string {
  const field = String(path[0] ?? "");
  return field === "organisation" ? "org" : field;
}
