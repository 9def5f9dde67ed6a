import type { Reporter, TestModule } from "vitest/node";

/** Ends the run with one plain "N passed, N failed" line that any CI can read. */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    for (const module of testModules) {
      let failedTests = 0;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") counts.passed++;
        else if (state === "failed") failedTests++;
        else counts.skipped++;
      }
      // A file that failed outside its tests (a hook, an import) counts once, even when its
      // tests were skipped for it.
      counts.failed += failedTests > 0 || module.state() !== "failed" ? failedTests : 1;
    }
    const skipped = counts.skipped > 0 ? `, ${counts.skipped} skipped` : "";
    console.log(`\ntests: ${counts.passed} passed, ${counts.failed} failed${skipped}`);
  }
}
