/**
 * `npm run dev`: rebuilds the UI on every change (`remix watch`) and restarts the server when
 * its own code or the build changes. The server serves whatever `remix watch` last built.
 */
import { execFileSync, spawn } from "node:child_process";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..");
const remixBin = join(ROOT, "node_modules/.bin/remix");

execFileSync(remixBin, ["build"], { cwd: ROOT, stdio: "inherit" });
const children = [
  spawn(remixBin, ["watch"], { cwd: ROOT, stdio: "inherit" }),
  spawn(
    process.execPath,
    ["--watch-path=server", "--watch-path=db", "--watch-path=build", "--import", "tsx", "server/index.ts"],
    { cwd: ROOT, stdio: "inherit" },
  ),
];
const stop = () => {
  for (const child of children) child.kill("SIGTERM");
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
for (const child of children) child.on("exit", stop);
