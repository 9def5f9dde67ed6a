import { gzipSync } from "node:zlib";
import type { Browser, Page } from "playwright-core";
import { launchBrowser } from "../support/browser";
import { requestJson } from "../support/http";
import type { BenchServer } from "./servers";

export interface PageOpen {
  path: string;
  /**
   * Navigation start to the first editor that takes typing with the plan's text in, per
   * fresh-profile run. Editors are built when a person reaches for a section (decision 0039), so
   * the pointer moves onto the plan once the page has synced, as a person's would.
   */
  firstEditorMs: number[];
  /** Navigation start to every section's editor on the page and the document synced. */
  allSectionsMs: number[];
  /** The JavaScript the page loads, compressed as a server would send it. */
  scriptGzipBytes: number;
  scripts: { url: string; gzipBytes: number }[];
  /** Bytes the browser received for the page's HTTP responses, from its network log, per run. */
  transferredBytes: number[];
  /** Navigation start to the first of the plan's words painted, per run (the list: its first paint). */
  firstWordsMs: number[];
  /** The same with JavaScript off; null when the words never came. */
  firstWordsNoScriptMs: (number | null)[];
}

/** Where the plan's own words are, in the server's HTML or in an editor. */
const PLAN_WORDS = ".plan-section .reading-text p, .plan-section .rich-text p";

/** A paragraph of the plan's own words on the page. */
const planWordsShown = () =>
  [...document.querySelectorAll(".plan-section .reading-text p, .plan-section .rich-text p")].some(
    (p) => (p.textContent ?? "").trim() !== "",
  );

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
  const result: PageOpen = {
    path,
    firstEditorMs: [],
    allSectionsMs: [],
    scriptGzipBytes: 0,
    scripts: [],
    transferredBytes: [],
    firstWordsMs: [],
    firstWordsNoScriptMs: [],
  };
  for (let run = 0; run < runs; run++) {
    const page = await freshProfile(browser, server);
    const scripts = collectScripts(page);
    const transferred = await countTransferred(page);
    if (sections > 0) await page.addInitScript(watchWords, PLAN_WORDS);
    await page.goto(`${server.httpUrl}${path}`, { waitUntil: "commit" });
    if (sections > 0) {
      await whenTrue(page, planWordsShown);
      result.firstWordsMs.push(await wordsPainted(page));
      // Once the page is live (its connection status is React's), as a person's pointer would.
      await page.locator('[data-testid="connection-status"][data-synced="true"]').waitFor({ timeout: 60_000 });
      await page.mouse.move(683, 500);
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
      result.firstWordsMs.push(await firstPaint(page));
    }
    await page.waitForLoadState("networkidle");
    result.transferredBytes.push(transferred());
    if (run === 0) {
      result.scripts = await Promise.all(scripts);
      result.scriptGzipBytes = result.scripts.reduce((sum, script) => sum + script.gzipBytes, 0);
    }
    await page.context().close();

    const noScript = await freshProfile(browser, server, { javaScriptEnabled: false });
    await noScript.goto(`${server.httpUrl}${path}`, { waitUntil: "commit" });
    result.firstWordsNoScriptMs.push(
      sections > 0
        ? await whenTrueWithoutScripts(noScript, planWordsShown).catch(() => null)
        : await whenTrueWithoutScripts(noScript, () => document.readyState === "complete").then(() =>
            firstPaint(noScript),
          ),
    );
    await noScript.context().close();
  }
  return result;
}

/** The bytes of every HTTP response the page receives, as Chromium's network log counts them (headers and encoded body). */
async function countTransferred(page: Page): Promise<() => number> {
  const session = await page.context().newCDPSession(page);
  let bytes = 0;
  session.on("Network.loadingFinished", (event) => (bytes += event.encodedDataLength));
  await session.send("Network.enable");
  return () => bytes;
}

/**
 * Runs in the page before its own scripts: notes when the plan's words are first in the document
 * and the start of the frame after that, which paints them (a frame's callbacks run before its
 * paint, and wait for the same busy main thread the paint does).
 */
function watchWords(selector: string): void {
  // No named functions in here: tsx names them with a helper the page does not have.
  const marks = window as unknown as { __wordsIn?: number; __wordsFrame?: number };
  const observer = new MutationObserver(() => {
    if (![...document.querySelectorAll(selector)].some((p) => (p.textContent ?? "").trim() !== "")) return;
    observer.disconnect();
    marks.__wordsIn = performance.now();
    requestAnimationFrame(() => (marks.__wordsFrame = performance.now()));
  });
  observer.observe(document, { childList: true, subtree: true, characterData: true });
}

/**
 * When the plan's first words were painted: the first paint, if they were in the document by
 * then (they came with the HTML), or else the frame after they arrived.
 */
async function wordsPainted(page: Page): Promise<number> {
  await page.waitForFunction(() => (window as unknown as { __wordsFrame?: number }).__wordsFrame !== undefined);
  const marks = await page.evaluate(() => {
    const { __wordsIn, __wordsFrame } = window as unknown as { __wordsIn: number; __wordsFrame: number };
    const paint = performance.getEntriesByType("paint").find((entry) => entry.name === "first-contentful-paint");
    return { wordsIn: __wordsIn, frame: __wordsFrame, firstPaint: paint?.startTime };
  });
  return marks.firstPaint !== undefined && marks.firstPaint >= marks.wordsIn ? marks.firstPaint : marks.frame;
}

function firstPaint(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      performance.getEntriesByType("paint").find((entry) => entry.name === "first-contentful-paint")?.startTime ?? NaN,
  );
}

/** A new context (empty cache) holding the owner's session cookie, so nothing is loaded before the timed page. */
async function freshProfile(
  browser: Browser,
  server: BenchServer,
  options: { javaScriptEnabled?: boolean } = {},
): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, ...options });
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
/**
 * With scripts off the page runs no timers or frame callbacks, playwright's in-page polling
 * included (it waited forever on a page still loading), so this asks from here every few
 * milliseconds and reads the time as soon as `holds`: a few milliseconds late at most.
 */
async function whenTrueWithoutScripts(page: Page, holds: () => boolean): Promise<number> {
  const giveUp = Date.now() + 10_000;
  while (!(await page.evaluate(holds))) {
    if (Date.now() > giveUp) throw new Error("the page never showed what was awaited");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return page.evaluate(() => performance.now());
}

async function whenTrue(page: Page, holds: (count: number) => boolean, count = 0): Promise<number> {
  await page.waitForFunction(holds, count, { polling: "raf", timeout: 60_000 });
  return page.evaluate(
    () => new Promise<number>((resolve) => setTimeout(() => requestAnimationFrame(() => resolve(performance.now())))),
  );
}
