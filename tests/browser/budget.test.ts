import { describe, expect, it } from "vitest";
import { openDemoPlan, planReady, screenshotPath, signedInPage, useServerAndBrowser } from "../support/browser";

const running = useServerAndBrowser();

describe("the shadow budget in two browsers", () => {
  it("an amount set over one someone else set a moment ago is announced on both pages", async () => {
    const alison = await signedInPage(running.browser, running.server.url, "owner@swindon.example");
    const tom = await signedInPage(running.browser, running.server.url, "editor@swindon.example");
    await openDemoPlan(alison);
    // Tom's page is only read until he reaches for the budget: its cells are built after
    // Alison's amount has arrived, and must still know it was hers, a moment ago.
    await tom.goto(alison.url());
    await tom.locator('[data-testid="connection-status"][data-synced="true"]').waitFor();
    const budget = (page: typeof alison) => page.locator("#section-shadow-budget");
    const cell = (page: typeof alison) => budget(page).getByLabel("2014-15 amount, row 2").first();

    await cell(alison).fill("111111");
    await cell(alison).press("Enter");
    await expect.poll(() => budget(tom).locator(".section-reading.budget").textContent()).toContain("£111,111");
    await budget(tom).hover();
    await expect.poll(() => cell(tom).inputValue()).toBe("£111,111");
    await cell(tom).fill("222222");
    await cell(tom).press("Enter");
    await expect.poll(() => cell(alison).inputValue()).toBe("£222,222");

    const notice = (page: typeof alison) => cell(page).locator("xpath=..").getByRole("status");
    await expect
      .poll(() => notice(alison).textContent())
      .toContain("Tom Okafor changed this to £222,222, replacing your £111,111");
    await expect.poll(() => notice(tom).textContent()).toContain("You replaced Alison Reed's £111,111");
    await alison.screenshot({ path: screenshotPath("budget-overwrite-notice") });
    await notice(alison).getByRole("button", { name: "OK" }).click();
    expect(await notice(alison).textContent()).toBe("");
    // The cell was empty in the demo: leave the budget as the other tests expect it.
    await cell(tom).fill("");
    await cell(tom).press("Enter");
    await expect.poll(() => cell(alison).inputValue()).toBe("");
  });

  it("a line added and costed in one page updates the totals on both; a bad amount is refused in the cell", async () => {
    const alison = await signedInPage(running.browser, running.server.url, "owner@swindon.example");
    const tom = await signedInPage(running.browser, running.server.url, "editor@swindon.example");
    await openDemoPlan(alison);
    await tom.goto(alison.url());
    await planReady(tom);

    const grandTotal = (page: typeof alison) =>
      page.getByTestId("totals-shadow-budget").getByTestId("grand-total").textContent();
    expect(await grandTotal(alison)).toBe("£13,360,000");
    await expect.poll(() => grandTotal(tom)).toBe("£13,360,000");

    const section = alison.locator("#section-shadow-budget");
    await section.getByRole("button", { name: "+ Add funding line" }).click();
    await section.getByLabel("Organisation, row 5").fill("Swindon Youth Offending Team");
    await section.getByLabel("Treatment, row 5").selectOption("pooled");
    const amount = section.getByLabel("2012-13 amount, row 5");
    await amount.fill("12.345");
    await amount.press("Enter");
    await expect.poll(() => section.getByRole("alert").textContent()).toContain("at most two decimal places");
    expect(await grandTotal(alison)).toBe("£13,360,000");

    await amount.fill("£1,250,000");
    await amount.press("Enter");
    await expect.poll(() => grandTotal(alison)).toBe("£14,610,000");
    await expect.poll(() => grandTotal(tom)).toBe("£14,610,000");
    await expect
      .poll(() => tom.locator("#section-shadow-budget").getByLabel("Organisation, row 5").inputValue())
      .toBe("Swindon Youth Offending Team");

    await tom.locator("#section-shadow-budget").getByLabel("2013-14 amount, row 5").fill("250000");
    await tom.locator("#section-shadow-budget").getByLabel("2013-14 amount, row 5").press("Tab");
    await expect.poll(() => grandTotal(alison)).toBe("£14,860,000");

    await section.scrollIntoViewIfNeeded();
    await section.screenshot({ path: screenshotPath("budget-alison") });
  });
});
