import { spawn, spawnSync } from "node:child_process";
import { resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../..");

/** Runs `npm run admin -- ...`'s script against a database, as an operator would. */
export function runAdmin(databasePath: string, ...args: string[]) {
  return runAdminWith({ DATABASE_PATH: databasePath }, ...args);
}

/** The same, with the environment naming the store (DATABASE_URL for PostgreSQL). */
export function runAdminWith(env: Record<string, string>, ...args: string[]) {
  const result = spawnSync(process.execPath, ["--import", "tsx", "server/ops/admin.ts", ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Creates a user with the admin command and fails loudly if it cannot. */
export function addUser(
  databasePath: string,
  email: string,
  name: string,
  side: "local" | "whitehall" = "local",
): void {
  const result = runAdmin(
    databasePath,
    "add-user",
    "--email",
    email,
    "--name",
    name,
    "--password",
    "coplan-demo",
    "--org",
    "Test Org",
    "--side",
    side,
  );
  if (result.code !== 0) throw new Error(`add-user ${email} failed: ${result.stderr}`);
}

/** The same, without blocking this process: for running while clients here keep editing. */
export function runAdminInBackground(
  databasePath: string,
  ...args: string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "server/ops/admin.ts", ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_PATH: databasePath },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}
