import { gzipSync } from "node:zlib";
import type { Browser, Page } from "playwright-core";
import { launchBrowser } from "../support/browser";
import { requestJson } from "../support/http";
import type { BenchServer } from "./servers";

export interface PageOpen {
  path: string;
  /** Navigation start to the first editor that takes typing with the plan's text in, per fresh-profile run. */
  firstEditorMs: number[];
  /** Navigation start to every section's editor on the page and the document synced. */
  allSectionsMs: number[];
  /** The JavaScript the page loads, compressed as a server would send it. */
  scriptGzipBytes: number;
  scripts: { url: string; gzipBytes: number }[];
}

/**
 * Opens a page in a fresh browser profile (empty cache, as a first visit) `runs` times and times,
 * from the navigation's start by the page's own clock, when a person could first type and when
 * the whole plan is there. The reference is the plans list opened the same way in the same run.
 */
export async function measurePageOpen(server: BenchServer, planIds: string[], runs: number): Promise<PageOpen[]> {
  const browser = await launchBrowser();
  try {
    const results: PageOpen[] = [await openRuns(browser, server, "/plans", 0, runs)];
    for (const planId of planIds) {
      const plan = await requestJson(server.httpUrl!, "GET", `/api/plans/${planId}`, server.cookie);
      const sections = (plan.body.sections as unknown[]).length;
      results.push(await openRuns(browser, server, `/plans/${planId}`, sections, runs));
    }
    return results;
  } finally {
    await browser.close();
  }
}

async function openRuns(
  browser: Browser,
  server: BenchServer,
  path: string,
  sections: number,
  runs: number,
): Promise<PageOpen> {
  const result: PageOpen = { path, firstEditorMs: [], allSectionsMs: [], scriptGzipBytes: 0, scripts: [] };
  for (let run = 0; run < runs; run++) {
    const page = await freshProfile(browser, server);
    const scripts = collectScripts(page);
    await page.goto(`${server.httpUrl}${path}`, { waitUntil: "commit" });
    if (sections > 0) {
      result.firstEditorMs.push(
        await whenTrue(
          page,
          () =>
            document.querySelector('.rich-text[contenteditable="true"]') !== null &&
            document.querySelector('[data-testid="connection-status"][data-synced="true"]') !== null,
        ),
      );
      result.allSectionsMs.push(
        await whenTrue(
          page,
          (count) =>
            document.querySelectorAll(".plan-section .ProseMirror").length >= count &&
            document.querySelector('[data-testid="connection-status"][data-synced="true"]') !== null,
          sections,
        ),
      );
    } else {
      const loaded = await whenTrue(page, () => document.readyState === "complete");
      result.firstEditorMs.push(loaded);
      result.allSectionsMs.push(loaded);
    }
    await page.waitForLoadState("networkidle");
    if (run === 0) {
      result.scripts = await Promise.all(scripts);
      result.scriptGzipBytes = result.scripts.reduce((sum, script) => sum + script.gzipBytes, 0);
    }
    await page.context().close();
  }
  return result;
}

/** A new context (empty cache) holding the owner's session cookie, so nothing is loaded before the timed page. */
async function freshProfile(browser: Browser, server: BenchServer): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const [name, value] = server.cookie!.split(/=(.*)/s) as [string, string];
  await context.addCookies([{ name, value, url: server.httpUrl! }]);
  return context.newPage();
}

function collectScripts(page: Page): Promise<{ url: string; gzipBytes: number }>[] {
  const scripts: Promise<{ url: string; gzipBytes: number }>[] = [];
  page.on("response", (response) => {
    if (response.request().resourceType() !== "script") return;
    scripts.push(
      response.body().then((body) => ({ url: new URL(response.url()).pathname, gzipBytes: gzipSync(body).length })),
    );
  });
  return scripts;
}

/**
 * Milliseconds from navigation start, by the page's clock, until `holds` is true and the page has
 * painted what follows from it: an editor renders the synced text in a task of its own. A
 * function, not a string, since the page's Content Security Policy forbids eval.
 */
async function whenTrue(page: Page, holds: (count: number) => boolean, count = 0): Promise<number> {
  await page.waitForFunction(holds, count, { polling: "raf", timeout: 60_000 });
  return page.evaluate(
    () => new Promise<number>((resolve) => setTimeout(() => requestAnimationFrame(() => resolve(performance.now())))),
  );
}
