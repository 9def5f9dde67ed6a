import type { Browser, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { editorText, planReady, screenshotPath, signedInPage, useServerAndBrowser } from "../support/browser";
import { demoPlanId, getJson, signIn } from "../support/http";

const running = useServerAndBrowser();
const EDITOR = "editor@swindon.example";

interface ApiSection {
  key: string;
  title: string;
  text: string;
  totals?: { total: number };
  signoff: { state: string };
}

async function planSections(): Promise<{ planId: string; sections: ApiSection[] }> {
  const cookie = await signIn(running.server.url, EDITOR);
  const planId = await demoPlanId(running.server.url, cookie);
  const { body } = await getJson<{ sections: ApiSection[] }>(running.server.url, `/api/plans/${planId}`, cookie);
  return { planId, sections: body.sections };
}

const firstLine = (text: string) =>
  text
    .split("\n")
    .find((line) => line.trim())
    ?.trim() ?? "";

/** A page with scripts turned off, signed in with a cookie from the API. */
async function pageWithoutScripts(browser: Browser, width: number): Promise<Page> {
  const [name, value] = (await signIn(running.server.url, EDITOR)).split(/=(.*)/s) as [string, string];
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width, height: 900 } });
  await context.addCookies([{ name, value, url: running.server.url }]);
  return context.newPage();
}

describe("the plan's words come with the page", () => {
  it("with JavaScript off, the whole plan reads: every section's words, the budget's totals, each sign-off", async () => {
    const { planId, sections } = await planSections();
    for (const width of [1366, 768, 390]) {
      const page = await pageWithoutScripts(running.browser, width);
      await page.goto(`${running.server.url}/plans/${planId}`);
      for (const section of sections) {
        const shown = page.locator(`#section-${section.key}`);
        const words = await shown.innerText();
        for (const line of section.text.split("\n").filter((one) => one.trim())) {
          expect(words, section.key).toContain(line.trim());
        }
        expect(await shown.getByTestId("signoff-badge").getAttribute("data-state")).toBe(section.signoff.state);
      }
      const budget = sections.find((section) => section.totals)!;
      expect(await page.locator(`#section-${budget.key} table.totals tfoot`).innerText()).toMatch(
        /All resources mapped[\s\S]*£[\d,]+/,
      );
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      // The reader is told why the buttons do nothing.
      expect(await page.getByText("This is a reading copy of the plan.").isVisible()).toBe(true);
      // ...and is offered no control that needs them, nor told it is connecting.
      expect(await page.getByTestId("connection-status").isVisible()).toBe(false);
      expect(await page.getByTestId("reading-copy-status").isVisible()).toBe(true);
      const inert = await page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('button[type="button"], input[type="checkbox"], .writing-toolbar')]
          .filter((control) => control.getClientRects().length > 0)
          .map((control) => control.textContent?.trim() || control.outerHTML.slice(0, 60)),
      );
      expect(inert).toEqual([]);
      await page.screenshot({ path: screenshotPath(`first-paint-no-js-${width}`), fullPage: true });
      await page.context().close();
    }
  });

  it("with JavaScript on, each section's words stay put from the server's HTML to the built editors", async () => {
    const { planId, sections } = await planSections();
    const expected = Object.fromEntries(sections.map((section) => [section.key, firstLine(section.text)]));
    for (const width of [1366, 768, 390]) {
      const page = await signedInPage(running.browser, running.server.url, EDITOR, {
        viewport: { width, height: 800 },
      });
      // Every moment the DOM changes, before the browser can paint it: a section whose words have
      // left the page is noted.
      await page.addInitScript((wanted: Record<string, string>) => {
        const gaps: string[] = [];
        (window as unknown as { __gaps: string[] }).__gaps = gaps;
        // Words still arriving while the HTML is parsed are not missing: only words once on the
        // page and then gone are.
        const seen = new Set<string>();
        const check = () => {
          for (const [key, line] of Object.entries(wanted)) {
            const section = document.querySelector(`[data-section-key="${key}"]`);
            const words = section?.querySelector(".reading-text, .rich-text")?.textContent ?? "";
            if (words.includes(line)) seen.add(key);
            else if (seen.has(key)) gaps.push(`${key}: "${words.slice(0, 40)}"`);
          }
        };
        new MutationObserver(check).observe(document, { childList: true, subtree: true, characterData: true });
      }, expected);
      // The scripts wait until the server's HTML has been painted and photographed.
      let release = () => {};
      const scriptsHeld = new Promise<void>((resolve) => (release = resolve));
      await page.route("**/build/**/*.js", async (route) => {
        await scriptsHeld;
        await route.continue();
      });
      await page.goto(`${running.server.url}/plans/${planId}`, { waitUntil: "domcontentloaded" });
      const firstSection = sections.find((section) => firstLine(section.text))!;
      // Where the first narrative's words start inside their section: the editor's toolbar and
      // text must take the reading copy's place, not push it down. (A table's inputs are taller
      // than its text, so sections below a table may move as a whole; their words do not.)
      const narrativeTop = () =>
        page.locator(`[data-section-key="${firstSection.key}"]`).evaluate((section) => {
          const words = section.querySelector(".reading-text p, .rich-text p")!;
          return Math.round(words.getBoundingClientRect().top - section.getBoundingClientRect().top);
        });
      const before = {
        words: await page.locator("main.plan").innerText(),
        top: await narrativeTop(),
      };
      await page.screenshot({ path: screenshotPath(`first-paint-server-html-${width}`) });
      release();
      await planReady(page);
      await expect.poll(() => page.locator(".reading-text").count()).toBe(0);
      await page.screenshot({ path: screenshotPath(`first-paint-editors-${width}`) });
      for (const section of sections) {
        const line = firstLine(section.text);
        if (!line) continue;
        expect(before.words, section.key).toContain(line);
        expect(await editorText(page, section.key)).toContain(line);
      }
      expect(await narrativeTop()).toBe(before.top);
      expect(await page.evaluate(() => (window as unknown as { __gaps: string[] }).__gaps)).toEqual([]);
      await page.context().close();
    }
  });
});

describe("the plan's connection waits for the page", () => {
  it("opens its WebSocket and this device's copy in idle time, after the page has loaded and painted", async () => {
    const { planId } = await planSections();
    const page = await signedInPage(running.browser, running.server.url, EDITOR, {
      viewport: { width: 1366, height: 768 },
    });
    // When, by the page's clock, the plan's socket and its IndexedDB copy were asked for, and
    // whether the browser had handed the page an idle period (hydration, the router's start and
    // the first paint are done) or the page asked for them in the middle of its own work.
    await page.addInitScript(() => {
      const opened: { what: string; at: number; idle: boolean }[] = [];
      (window as unknown as { __opened: typeof opened }).__opened = opened;
      let idle = false;
      const requestIdle = window.requestIdleCallback.bind(window);
      window.requestIdleCallback = (callback, options) =>
        requestIdle((deadline) => {
          idle = true;
          try {
            callback(deadline);
          } finally {
            idle = false;
          }
        }, options);
      const PageSocket = window.WebSocket;
      window.WebSocket = class extends PageSocket {
        constructor(...args: ConstructorParameters<typeof WebSocket>) {
          super(...args);
          opened.push({ what: `socket ${String(args[0])}`, at: performance.now(), idle });
        }
      };
      const open = indexedDB.open.bind(indexedDB);
      indexedDB.open = (name: string, version?: number) => {
        opened.push({ what: `indexeddb ${name}`, at: performance.now(), idle });
        return open(name, version);
      };
    });
    await page.goto(`${running.server.url}/plans/${planId}`);
    await page.locator('[data-testid="connection-status"][data-synced="true"]').waitFor();
    const { opened, loaded, painted } = await page.evaluate(() => {
      const navigation = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
      const paint = performance.getEntriesByName("first-contentful-paint")[0];
      return {
        opened: (window as unknown as { __opened: { what: string; at: number; idle: boolean }[] }).__opened,
        loaded: navigation.loadEventEnd,
        painted: paint?.startTime ?? Number.NaN,
      };
    });
    const plans = opened.filter((one) => one.what.includes("/collab") || one.what.includes(`coplan:${planId}`));
    expect(plans.map((one) => one.what.split(" ")[0]).sort()).toEqual(["indexeddb", "socket"]);
    expect(loaded).toBeGreaterThan(0);
    for (const one of plans) {
      expect(one.idle, one.what).toBe(true);
      expect(one.at, one.what).toBeGreaterThan(loaded);
      expect(one.at, one.what).toBeGreaterThan(painted);
    }
    await page.context().close();
  });
});
