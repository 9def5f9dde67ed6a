import { defineConfig } from "vitest/config";

/**
 * Three tiers: `unit` runs in-process with no build and no server (`npm run test:unit`, the
 * fast loop); `integration` starts the built server on a real port and SQLite file; `browser`
 * drives Debian's Chromium against it. `npm test` runs all three.
 */
export default defineConfig({
  resolve: { alias: { "~": new URL("./app", import.meta.url).pathname } },
  test: {
    environment: "node",
    reporters: ["default", "./tests/support/summary-reporter.ts"],
    pool: "forks",
    // A PostgreSQL and a Redis for the tests that need them: the machine's, or throwaway ones.
    globalSetup: ["./tests/support/postgres-server.ts", "./tests/support/redis-server.ts"],
    maxWorkers: 2,
    testTimeout: 60_000,
    // What a page shows after another's edit comes through a debounce, a request and a render:
    // about a second on a quiet machine, more with two browsers and servers on two busy cores.
    // A poll waits up to 10 s for it; a poll that never succeeds still fails.
    expect: { poll: { timeout: 10_000 } },
    hookTimeout: 60_000,
    projects: [
      // In-process tests log nothing (LOG_LEVEL); spawned servers keep the default, and their
      // output is kept for the tests that read it, never printed.
      { extends: true, test: { name: "unit", include: ["tests/unit/**/*.test.ts"], env: { LOG_LEVEL: "silent" } } },
      { extends: true, test: { name: "integration", include: ["tests/integration/**/*.test.ts"] } },
      { extends: true, test: { name: "browser", include: ["tests/browser/**/*.test.ts"] } },
    ],
  },
});
