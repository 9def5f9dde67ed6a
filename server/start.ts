/**
 * `npm start`: builds the UI when the build is missing or older than its sources, then starts
 * the server (which migrates and seeds).
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { log } from "./log.server";

const ROOT = resolve(import.meta.dirname, "..");
const BUILD = join(ROOT, "build/index.js");

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

const sourcesMtime = Math.max(newestMtime(join(ROOT, "app")), newestMtime(join(ROOT, "remix.config.js")));
if (!existsSync(BUILD) || statSync(BUILD).mtimeMs < sourcesMtime) {
  log.info("Building the app...");
  execFileSync(join(ROOT, "node_modules/.bin/remix"), ["build"], { cwd: ROOT, stdio: "inherit" });
}

await import("./index.ts");
