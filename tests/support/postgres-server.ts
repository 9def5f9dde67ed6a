import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { freePort } from "./free-port";

declare module "vitest" {
  export interface ProvidedContext {
    /** A PostgreSQL server's address, with a role that may create databases. */
    postgresUrl: string;
    /** Names this run's databases, so that the run drops whatever its tests left. */
    postgresRun: string;
  }
}

/** The machine's PostgreSQL unless `TEST_POSTGRES_URL` names another. */
const CONFIGURED = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/**
 * Finds a PostgreSQL for the tests: the configured one when it answers, or else a throwaway one
 * started from the installed binaries into a temporary folder, on a free port, and stopped after
 * the run. Without the binaries it fails naming the package: a skipped test is no test.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const run = randomBytes(4).toString("hex");
  project.provide("postgresRun", run);
  if (await answers(CONFIGURED)) {
    project.provide("postgresUrl", CONFIGURED);
    return () => dropRunDatabases(CONFIGURED, run);
  }
  const bin = postgresBinaries();
  const dir = mkdtempSync(join(tmpdir(), "coplan-postgres-"));
  const port = await freePort();
  const command = serverCommand(dir);
  command(join(bin, "initdb"), ["-D", join(dir, "data"), "-U", "postgres", "-A", "trust"]);
  command(join(bin, "pg_ctl"), [
    ...["-D", join(dir, "data"), "-l", join(dir, "log"), "-w", "start"],
    ...["-o", `-p ${port} -k ${dir} -h 127.0.0.1 -F`],
  ]);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  project.provide("postgresUrl", url);
  return async () => {
    command(join(bin, "pg_ctl"), ["-D", join(dir, "data"), "-m", "immediate", "-w", "stop"], false);
    rmSync(dir, { recursive: true, force: true });
  };
}

/**
 * Runs the server's programs, which refuse to run as root: as root (CI), as the `postgres` user
 * the package makes, with the folder given to it.
 */
function serverCommand(dir: string) {
  const asRoot = process.getuid?.() === 0;
  if (asRoot) execFileSync("chown", ["postgres:postgres", dir]);
  return (command: string, args: string[], check = true) => {
    const [file, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", command, ...args]] : [command, args];
    const result = spawnSync(file, argv, { encoding: "utf8" });
    if (check && result.status !== 0) {
      throw new Error(`${command} failed (${result.status}): ${result.stderr || result.stdout}`);
    }
  };
}

/** Drops the databases this run's tests made and left (a server they started owned one). */
async function dropRunDatabases(url: string, run: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>("select datname from pg_database where datname like $1", [
      `coplan_test_${run}_%`,
    ]);
    for (const { datname } of rows) await client.query(`drop database if exists ${datname} with (force)`);
  } finally {
    await client.end();
  }
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Debian installs the server's programs under /usr/lib/postgresql/<version>/bin, off the PATH. */
function postgresBinaries(): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const bin = versions.map((version) => join(root, version, "bin")).find((dir) => existsSync(join(dir, "initdb")));
  if (!bin) {
    throw new Error(
      `No PostgreSQL answers at ${CONFIGURED} and none is installed to start: apt-get install postgresql (or set TEST_POSTGRES_URL)`,
    );
  }
  return bin;
}
