import { defineConfig } from "vitest/config";

/**
 * The integration files that reach the server only through HTTP and its WebSocket (and the
 * crash test, which reads the stored document from whichever store): they run a second time
 * with the server on PostgreSQL. The others read SQLite's file from outside, or open both
 * stores themselves.
 */
const ON_BOTH_STORES = [
  "account-security.test.ts",
  "admin.test.ts",
  "api.test.ts",
  "body-limit.test.ts",
  "comments.test.ts",
  "compression.test.ts",
  "convergence-suggestions.test.ts",
  "convergence.test.ts",
  "crash.test.ts",
  "docx-export.test.ts",
  "first-html.test.ts",
  "hostile-frames.test.ts",
  "hostile-members.test.ts",
  "invitations.test.ts",
  "keep-alive.test.ts",
  "logs.test.ts",
  "notifications.test.ts",
  "page-titles.test.ts",
  "page-weight.test.ts",
  "password-reset.test.ts",
  "pdf-export.test.ts",
  "pdf-structure.test.ts",
  "plan-lists.test.ts",
  "portfolio-search.test.ts",
  "presence.test.ts",
  "signoff-evidence.test.ts",
  "signoff-workflow.test.ts",
  "signoffs.test.ts",
  "structured-sections.test.ts",
  "suggestions-bulk.test.ts",
  "suggestions.test.ts",
  "table-activity.test.ts",
  "templates.test.ts",
  "values-property.test.ts",
  "versions.test.ts",
].map((file) => `tests/integration/${file}`);

/**
 * Three tiers: `unit` runs in-process with no build and no server (`npm run test:unit`, the
 * fast loop); `integration` starts the built server on a real port and SQLite file, and
 * `integration-postgres` again on PostgreSQL; `browser` drives Debian's Chromium against it.
 * `npm test` runs them all.
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
      {
        extends: true,
        test: { name: "integration-postgres", include: ON_BOTH_STORES, env: { TEST_STORE: "postgres" } },
      },
      { extends: true, test: { name: "browser", include: ["tests/browser/**/*.test.ts"] } },
    ],
  },
});
