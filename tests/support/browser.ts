import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { DEMO_PASSWORD } from "../../server/ops/demo-seed.server";
import { startServer, type RunningServer } from "./server";

export const SCREENSHOTS = resolve(import.meta.dirname, "../output/screenshots");

/** Debian's Chromium, headless, with no background network traffic (playwright gives it a fresh profile). */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * A new browser context signed in through the login form. `bypassCSP` lets a test inject a
 * script (axe-core) into pages whose Content-Security-Policy would refuse it.
 */
export async function signedInPage(
  browser: Browser,
  baseUrl: string,
  email: string,
  options: { viewport?: { width: number; height: number }; bypassCSP?: boolean } = {},
): Promise<Page> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1400, height: 900 },
    bypassCSP: options.bypassCSP ?? false,
  });
  const page = await context.newPage();
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await Promise.all([page.waitForURL(`${baseUrl}/plans`), page.getByRole("button", { name: "Sign in" }).click()]);
  return page;
}

export function screenshotPath(name: string): string {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return join(SCREENSHOTS, `${name}.png`);
}

/** The editor text a person reads, without the remote carets' name labels. */
export function editorText(page: Page, sectionKey: string): Promise<string> {
  return page.locator(`.rich-text[data-section="${sectionKey}"]`).evaluate((el) => {
    const clone = el.cloneNode(true) as HTMLElement;
    clone.querySelectorAll(".collaboration-carets__caret").forEach((caret) => caret.remove());
    return clone.textContent ?? "";
  });
}

/** A real server and a browser for the test file, started before its tests and stopped after. */
export function useServerAndBrowser(env?: Record<string, string>): { server: RunningServer; browser: Browser } {
  const running = {} as { server: RunningServer; browser: Browser };
  beforeAll(async () => {
    [running.server, running.browser] = await Promise.all([startServer({ env }), launchBrowser()]);
  });
  afterAll(async () => {
    await running.browser?.close();
    await running.server?.stop();
  });
  return running;
}

/** Opens the demo plan from the plans list and waits until its document has synced. */
export async function openDemoPlan(page: Page): Promise<void> {
  await Promise.all([
    page.waitForURL(/\/plans\/[\w-]+$/),
    page.getByRole("link", { name: /Swindon: a single budget/ }).click(),
  ]);
  await planReady(page);
}

/**
 * Waits until the open plan has synced and every section's editors are on the page. They are
 * built in idle time once a person is seen to be there, so the pointer moves first, as a
 * person's would (decision 0039).
 */
export async function planReady(page: Page): Promise<void> {
  await page.locator('[data-testid="connection-status"][data-synced="true"]').waitFor();
  await page.mouse.move(2, 2);
  await page.mouse.move(1, 1);
  await page.locator('main.plan[data-sections-shown="all"]').waitFor({ state: "attached" });
  // Asked for is not yet built: the editors' code may still be on its way.
  await page.waitForFunction(() => !document.querySelector("main.plan .section-reading"));
}

/** Selects the first occurrence of `words` in a section's narrative, as a person dragging over them would. */
export async function selectWords(page: Page, sectionKey: string, words: string): Promise<void> {
  await page.locator(`.rich-text[data-section="${sectionKey}"]`).evaluate((root, target) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = node.textContent?.indexOf(target) ?? -1;
      if (at < 0) continue;
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + target.length);
      const selection = window.getSelection()!;
      selection.removeAllRanges();
      selection.addRange(range);
      return;
    }
    throw new Error(`"${target}" is not in the section`);
  }, words);
}
