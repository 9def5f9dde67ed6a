import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  editorText,
  openDemoPlan,
  screenshotPath,
  selectWords,
  signedInPage,
  useServerAndBrowser,
} from "../support/browser";

const running = useServerAndBrowser();

const focusedLabel = (page: Page) =>
  page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    return {
      tag: element?.tagName ?? "",
      label: element?.getAttribute("aria-label") ?? "",
      thread: element?.closest("[data-thread-id]")?.getAttribute("data-thread-id") ?? null,
    };
  });

describe("reaching things from the keyboard and on small screens", () => {
  it("a section link moves focus into its section, so the next keys type there", async () => {
    const page = await signedInPage(running.browser, running.server.url, "editor@swindon.example");
    await openDemoPlan(page);
    const link = page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: /Customer insight/ });
    await link.focus();
    await page.keyboard.press("Enter");
    await expect.poll(async () => (await focusedLabel(page)).label).toBe("Customer insight and visioning: narrative");
    await page.keyboard.type("Keyed in. ");
    await expect.poll(() => editorText(page, "customer-insight")).toContain("Keyed in.");

    await page.keyboard.press("Alt+Shift+S");
    // The list is shown (behind its menu on a narrow screen) before the link takes focus, a frame later.
    await expect.poll(async () => (await focusedLabel(page)).tag).toBe("A");
    await page.keyboard.press("Alt+Shift+C");
    await expect.poll(async () => (await focusedLabel(page)).label).toBe("People and comments");
  });

  it("after posting a comment, focus is in its thread", async () => {
    const page = await signedInPage(running.browser, running.server.url, "reviewer@dwp.example");
    await openDemoPlan(page);
    await selectWords(page, "customer-insight", "front-line staff");
    await page.locator(".bubble-menu").getByRole("button", { name: "Comment" }).click();
    const composer = page.getByTestId("comment-composer");
    await composer.getByLabel("Comment").fill("Which teams?");
    await composer.getByRole("button", { name: "Comment" }).click();
    await composer.waitFor({ state: "detached" });
    await expect.poll(async () => (await focusedLabel(page)).thread).not.toBeNull();
    expect((await focusedLabel(page)).label).toBe("Comment thread on Customer insight and visioning");
  });

  for (const size of [
    { width: 768, height: 1024 },
    { width: 390, height: 844 },
  ]) {
    it(`at ${size.width} px a comment opens over the page beside its words, not at the bottom of the page`, async () => {
      const page = await signedInPage(running.browser, running.server.url, "reviewer@dwp.example", { viewport: size });
      await openDemoPlan(page);
      const words = page.locator('.rich-text[data-section="governance"]');
      await words.scrollIntoViewIfNeeded();
      await selectWords(page, "governance", "accountable body");
      const scrolled = await page.evaluate(() => scrollY);
      await page.locator(".bubble-menu").getByRole("button", { name: "Comment" }).click();
      const composer = page.getByTestId("comment-composer");
      await composer.getByLabel("Comment").waitFor();
      await expect.poll(() => composer.getByLabel("Comment").evaluate((e) => e === document.activeElement)).toBe(true);
      // The page stays where the words are (it used to jump 8,000 px to the comments at its foot).
      expect(Math.abs((await page.evaluate(() => scrollY)) - scrolled)).toBeLessThan(size.height);
      // Once the drawer has slid in, the whole form is on screen.
      await expect
        .poll(async () => {
          const box = (await composer.boundingBox())!;
          return box.y >= 0 && box.y + box.height <= size.height;
        })
        .toBe(true);
      const sheetTop = (await page.locator("#plan-sidebar").boundingBox())!.y;
      const quoted = await page.locator('.rich-text[data-section="governance"]').evaluate((root) => {
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const at = node.textContent?.indexOf("accountable body") ?? -1;
          if (at < 0) continue;
          const range = document.createRange();
          range.setStart(node, at);
          range.setEnd(node, at + "accountable body".length);
          const rect = range.getBoundingClientRect();
          return { top: rect.top, bottom: rect.bottom };
        }
        return null;
      });
      expect(quoted!.top).toBeGreaterThanOrEqual(0);
      expect(quoted!.bottom).toBeLessThanOrEqual(sheetTop);
      await page.screenshot({ path: screenshotPath(`comment-drawer-${size.width}`) });
      await composer.getByLabel("Comment").fill("Costed?");
      await composer.getByRole("button", { name: "Comment" }).click();
      await composer.waitFor({ state: "detached" });
      await page.getByRole("button", { name: "Close comments and people" }).click();
      await expect.poll(() => page.locator("#plan-sidebar").isVisible()).toBe(false);
      await page.getByRole("button", { name: /^Comments \(\d+\) and people$/ }).click();
      await expect.poll(() => page.locator("#plan-sidebar").isVisible()).toBe(true);
      // The section list is reached from the keyboard even where it folds behind a menu.
      await page.keyboard.press("Escape");
      await page.keyboard.press("Alt+Shift+S");
      await expect.poll(async () => (await focusedLabel(page)).tag).toBe("A");
    });
  }
});
