import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { openDemoPlan, screenshotPath, signedInPage, useServerAndBrowser } from "../support/browser";

const running = useServerAndBrowser();

/** Whether the element's centre is on screen, inside its scroll box and not under the sticky first column. */
function inView(page: Page, selector: string, index: number): Promise<string | null> {
  return page
    .locator(selector)
    .nth(index)
    .evaluate((element) => {
      const rect = element.getBoundingClientRect();
      const x = rect.left + rect.width / 2;
      const y = rect.top + rect.height / 2;
      const viewport = element.closest(".scroll-box__viewport")!.getBoundingClientRect();
      if (x < viewport.left || x > viewport.right || x > innerWidth || y < 0 || y > innerHeight) {
        return `off-screen at ${Math.round(x)},${Math.round(y)}`;
      }
      const top = document.elementFromPoint(x, y);
      return top && (element.contains(top) || top.contains(element))
        ? null
        : `covered by ${top?.outerHTML.slice(0, 80)}`;
    });
}

async function noPageScroll(page: Page): Promise<{ scrollWidth: number; innerWidth: number }> {
  return page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth }));
}

describe("the plan page fits real work", () => {
  it("at 1366×768 every year column and every amount can be scrolled into view, and no focused cell's text is cut off", async () => {
    const page = await signedInPage(running.browser, running.server.url, "owner@swindon.example", {
      viewport: { width: 1366, height: 768 },
    });
    await openDemoPlan(page);
    const budget = page.locator("#section-shadow-budget");
    await budget.getByRole("button", { name: "+ Add asset" }).click();
    await budget
      .getByLabel("Organisation, row 1")
      .last()
      .fill("Swindon Borough Council: civic offices and the library");
    const assetAmount = budget.getByLabel("2014-15 amount, row 1").last();
    await assetAmount.fill("125000");
    await assetAmount.press("Tab");

    const funding = budget.getByRole("region", { name: "Funding lines" });
    await funding.scrollIntoViewIfNeeded();
    expect(await budget.locator(".scroll-box__hint").first().isVisible()).toBe(true);
    // The money comes first in the space: the first year is in view before any sideways scroll.
    expect(await funding.evaluate((element) => element.scrollLeft)).toBe(0);
    expect(await inView(page, "#section-shadow-budget .rows-table td.numeric input", 0)).toBeNull();
    expect(await inView(page, "#section-shadow-budget .rows-table th.numeric", 0)).toBeNull();
    await page.screenshot({ path: screenshotPath("layout-budget-1366") });

    const targets = [
      "#section-shadow-budget .rows-table th.numeric",
      "#section-shadow-budget .rows-table td.numeric input",
      "#section-shadow-budget .totals td.numeric",
    ];
    for (const selector of targets) {
      const count = await page.locator(selector).count();
      expect(count).toBeGreaterThan(0);
      for (let i = 0; i < count; i++) {
        await page.locator(selector).nth(i).scrollIntoViewIfNeeded();
        expect(await inView(page, selector, i), `${selector} #${i}`).toBeNull();
      }
    }
    // Scrolled sideways to the end, the first column still says which row an amount belongs to.
    await funding.evaluate((element) => (element.scrollLeft = element.scrollWidth));
    await funding.scrollIntoViewIfNeeded();
    const firstColumn = budget.getByLabel("Organisation, row 1").first();
    expect(
      await inView(page, "#section-shadow-budget .rows-table tbody tr:first-child > td:first-child", 0),
    ).toBeNull();
    expect(await firstColumn.isVisible()).toBe(true);

    const cells = page.locator(".rows-table :is(input, textarea)");
    const cellCount = await cells.count();
    expect(cellCount).toBeGreaterThan(30);
    for (let i = 0; i < cellCount; i++) {
      const cell = cells.nth(i);
      await cell.focus();
      const clipped = await cell.evaluate((element: HTMLInputElement) => {
        const cut = element.scrollWidth > element.clientWidth + 1 || element.scrollHeight > element.clientHeight + 1;
        return cut ? `${element.getAttribute("aria-label")}: "${element.value}"` : null;
      });
      expect(clipped).toBeNull();
    }
  });

  it("at 768×1024 no page scrolls sideways, the header search is wide enough to read, and members can be removed", async () => {
    const size = { width: 768, height: 1024 };
    const page = await signedInPage(running.browser, running.server.url, "owner@swindon.example", { viewport: size });
    expect(await noPageScroll(page), "plans").toEqual({ scrollWidth: 768, innerWidth: 768 });
    const search = page.getByTestId("header-search");
    expect((await search.boundingBox())!.width).toBeGreaterThan(300);
    const signOut = page.getByRole("button", { name: "Sign out" });
    expect((await signOut.boundingBox())!.height).toBeLessThan(30);
    await openDemoPlan(page);
    const planPath = new URL(page.url()).pathname;
    for (const path of [planPath, `${planPath}/members`, `${planPath}/activity`, "/portfolio", "/account"]) {
      await page.goto(`${running.server.url}${path}`);
      await page.locator("#main").waitFor();
      expect(await noPageScroll(page), path).toEqual({ scrollWidth: 768, innerWidth: 768 });
    }
    await page.goto(`${running.server.url}${planPath}/members`);
    const remove = page.getByRole("button", { name: "Remove Sam Whitfield" });
    const box = (await remove.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(768);
    await page.screenshot({ path: screenshotPath("layout-members-768") });
  });

  it("printing the plan prints the plan, not the header, section list or sidebars", async () => {
    const page = await signedInPage(running.browser, running.server.url, "editor@swindon.example", {
      viewport: { width: 1366, height: 768 },
    });
    await openDemoPlan(page);
    await page.emulateMedia({ media: "print" });
    for (const selector of [".app-header", ".navigator", ".sidebar", ".writing-toolbar", ".plan__actions"]) {
      expect(await page.locator(selector).first().isVisible(), selector).toBe(false);
    }
    expect(await page.getByRole("heading", { name: /Customer insight and visioning/ }).isVisible()).toBe(true);
    expect(
      await page
        .locator(".plan-section")
        .first()
        .evaluate((element) => element.getBoundingClientRect().left),
    ).toBeLessThan(80);
    await page.emulateMedia({ media: "screen" });
    expect(await page.locator(".app-header").isVisible()).toBe(true);
  });

  it("a reader's cells are read-only, not disabled: they can be focused and their words selected", async () => {
    const page = await signedInPage(running.browser, running.server.url, "viewer@police.example", {
      viewport: { width: 1366, height: 768 },
    });
    await openDemoPlan(page);
    const budget = page.locator("#section-shadow-budget");
    const organisation = budget.getByLabel("Organisation, row 1").first();
    expect(await organisation.isDisabled()).toBe(false);
    expect(await organisation.isEditable()).toBe(false);
    await organisation.focus();
    await page.keyboard.press("ControlOrMeta+a");
    const selected = await organisation.evaluate((element: HTMLTextAreaElement) =>
      element.value.slice(element.selectionStart, element.selectionEnd),
    );
    expect(selected).toBe("Swindon Borough Council");
    expect(await budget.getByLabel("Treatment, row 1").first().inputValue()).toBe("Pooled");
    expect(await budget.locator("input:disabled, select:disabled, textarea:disabled").count()).toBe(0);
  });

  it("at 390×844 no page scrolls sideways, and the section list is behind a menu", async () => {
    const size = { width: 390, height: 844 };
    for (const email of ["owner@swindon.example", "reviewer@dwp.example"]) {
      const page = await signedInPage(running.browser, running.server.url, email, { viewport: size });
      expect(await noPageScroll(page), `plans as ${email}`).toEqual({ scrollWidth: 390, innerWidth: 390 });
      await openDemoPlan(page);
      expect(await noPageScroll(page), `plan as ${email}`).toEqual({ scrollWidth: 390, innerWidth: 390 });
      await page.goto(`${page.url()}/members`);
      await page.getByRole("heading", { name: "Members" }).waitFor();
      expect(await noPageScroll(page), `members as ${email}`).toEqual({ scrollWidth: 390, innerWidth: 390 });
      await page.context().close();
    }
    const login = await (await running.browser.newContext({ viewport: size })).newPage();
    for (const path of ["/login", "/password-reset"]) {
      await login.goto(`${running.server.url}${path}`);
      expect(await noPageScroll(login), path).toEqual({ scrollWidth: 390, innerWidth: 390 });
    }
    await login.context().close();

    const admin = await signedInPage(running.browser, running.server.url, "owner@swindon.example", { viewport: size });
    await openDemoPlan(admin);
    const planPath = new URL(admin.url()).pathname;
    for (const path of [
      "/admin",
      "/admin/outbox",
      "/notifications",
      "/account",
      "/portfolio",
      "/search?q=budget",
      `${planPath}/activity`,
    ]) {
      await admin.goto(`${running.server.url}${path}`);
      await admin.locator("#main").waitFor();
      expect(await noPageScroll(admin), path).toEqual({ scrollWidth: 390, innerWidth: 390 });
    }
    await admin.context().close();

    const page = await signedInPage(running.browser, running.server.url, "owner@swindon.example", { viewport: size });
    await openDemoPlan(page);
    const sections = page.getByRole("navigation", { name: "Sections" });
    const link = sections.getByRole("link", { name: /Customer insight/ });
    const width = await page
      .locator(".plan-section")
      .first()
      .evaluate((element) => element.getBoundingClientRect().width);
    expect(width).toBeGreaterThan(340);
    expect(await link.isVisible()).toBe(false);
    await page.screenshot({ path: screenshotPath("layout-plan-390") });
    await sections.getByRole("button", { name: "Sections" }).click();
    expect(await link.isVisible()).toBe(true);
    await link.click();
    expect(await link.isVisible()).toBe(false);
    await expect.poll(() => page.evaluate(() => location.hash)).toBe("#section-customer-insight");
  });
});
