/** `npm run admin -- <command> ...`: administration from the command line. */
import { parseArgs } from "node:util";
import { z } from "zod";
import { closeDatabase, openDatabase } from "../../db/client.server";
import { loadEnv } from "../env.server";
import { BackupError, backupDatabase } from "./backup.server";
import { createUser, newUserSchema, UserExistsError } from "../auth/users.server";
import { verifyAuditChains } from "../plans/audit-chain.server";

class UsageError extends Error {}

const USAGE = `Usage:
  npm run admin -- add-user --email E --name N --password P --org O --side local|whitehall [--admin]
                                    --admin makes an instance administrator (the /admin pages)
  npm run admin -- backup PATH        a consistent copy of the database, safe while the server runs
  npm run admin -- verify-audit       checks every audit chain; prints each chain's head, or the first entry that breaks`;

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
  const db = openDatabase(loadEnv().DATABASE_PATH);
  try {
    const input = newUserSchema.parse({
      email: values.email,
      name: values.name,
      password: values.password,
      organisation: values.org,
      side: values.side,
    });
    const user = await createUser(db, input, { isAdmin: values.admin ?? false });
    console.log(
      `Created ${user.email} (${user.name}, ${user.organisation}, ${user.side})${user.isAdmin ? ", an administrator," : ""} id ${user.id}`,
    );
  } finally {
    closeDatabase(db);
  }
}

async function backup(args: string[]): Promise<void> {
  const { positionals } = parseArgs({ args, allowPositionals: true, strict: true });
  if (positionals.length !== 1) throw new UsageError("backup takes the path of the copy to make");
  const db = openDatabase(loadEnv().DATABASE_PATH);
  try {
    const { pages } = await backupDatabase(db, positionals[0]!);
    console.log(`Backed up ${pages} pages to ${positionals[0]}; integrity check ok`);
  } finally {
    closeDatabase(db);
  }
}

/** Exit 0 with every chain's head, or 2 naming the first entry that does not hold. */
function verifyAudit(args: string[]): void {
  parseArgs({ args, strict: true });
  const db = openDatabase(loadEnv().DATABASE_PATH);
  try {
    const started = performance.now();
    const report = verifyAuditChains(db.$client);
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
  } finally {
    closeDatabase(db);
  }
}

const [command, ...rest] = process.argv.slice(2);
try {
  if (command === "add-user") await addUser(rest);
  else if (command === "backup") await backup(rest);
  else if (command === "verify-audit") verifyAudit(rest);
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
  if (error instanceof UserExistsError || error instanceof BackupError) return error.message;
  return (error as Error).message;
}

function issueFlag(path: PropertyKey[]): string {
  const field = String(path[0] ?? "");
  return field === "organisation" ? "org" : field;
}
