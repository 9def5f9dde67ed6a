import { describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../server/ops/demo-seed.server";
import { openDemoPlan, screenshotPath, signedInPage, useServerAndBrowser } from "../support/browser";

const running = useServerAndBrowser();

const badge = (sectionKey: string) => `.navigator [data-testid="signoff-badge"][data-section="${sectionKey}"]`;

describe("the sign-off dialog shows what is signed and asks who signs", () => {
  it("on a 1366x768 screen the password is in view, year headings keep to one line, and at 768 px wide the budget says it scrolls sideways", async () => {
    const signatory = await signedInPage(running.browser, running.server.url, "signatory@swindon.example", {
      viewport: { width: 1366, height: 768 },
    });
    await openDemoPlan(signatory);
    const panel = signatory.locator('[data-testid="signoff-panel"][data-section="shadow-budget"]');
    await panel.getByRole("button", { name: "Sign off for the Local side" }).click();
    const dialog = signatory.getByRole("dialog", { name: /Sign off “Shadow budget for the place/ });
    const wording = dialog.getByTestId("signoff-dialog-wording");
    await wording.locator("table").first().waitFor();

    const password = dialog.getByLabel("Your password, to confirm it is you");
    const box = (await password.boundingBox())!;
    expect(await dialog.evaluate((element) => element.scrollTop)).toBe(0);
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(768);
    await signatory.screenshot({ path: screenshotPath("signoff-dialog-fold-1366x768") });

    // A year heading is one line of text: its characters all sit on one line box.
    const lines = await wording
      .locator("thead th.numeric", { hasText: "2014-15" })
      .first()
      .evaluate((th) => {
        const range = document.createRange();
        range.selectNodeContents(th);
        return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size;
      });
    expect(lines).toBe(1);

    await signatory.setViewportSize({ width: 768, height: 1024 });
    await expect
      .poll(() => wording.locator(".scroll-box__hint").first().textContent())
      .toBe("More columns to the right: scroll sideways →");
    await signatory.screenshot({ path: screenshotPath("signoff-dialog-budget-768") });
    await signatory.setViewportSize({ width: 390, height: 844 });
    await signatory.screenshot({ path: screenshotPath("signoff-dialog-budget-390-fold") });
    await signatory.context().close();
  });

  it("the budget reads as its tables with headings and totals; the password is asked for, and a wrong one refused in place", async () => {
    const signatory = await signedInPage(running.browser, running.server.url, "signatory@swindon.example", {
      viewport: { width: 1366, height: 900 },
    });
    await openDemoPlan(signatory);
    const panel = signatory.locator('[data-testid="signoff-panel"][data-section="shadow-budget"]');
    await panel.getByRole("button", { name: "Sign off for the Local side" }).click();
    const dialog = signatory.getByRole("dialog", { name: /Sign off “Shadow budget for the place/ });
    const wording = dialog.getByTestId("signoff-dialog-wording");
    await wording.locator("table").first().waitFor();

    const headings = await wording.locator("thead th").allTextContents();
    expect(headings.slice(0, 7)).toEqual([
      "Organisation",
      "Department",
      "Funding line",
      "Treatment",
      "Notes",
      "2012-13",
      "2013-14",
    ]);
    const totals = wording.getByTestId("reading-totals");
    expect(await totals.locator("tbody th").allTextContents()).toContain("Pooled");
    expect(await totals.locator("tfoot").textContent()).toContain("All resources mapped");
    const text = (await wording.textContent()) ?? "";
    expect(text).toContain("Swindon Borough Council");
    expect(text).not.toMatch(/fundingLine|rowType|Row 1:/);
    await signatory.screenshot({ path: screenshotPath("signoff-dialog-budget-1366") });
    await totals.scrollIntoViewIfNeeded();
    await signatory.screenshot({ path: screenshotPath("signoff-dialog-budget-totals-1366") });

    expect(await dialog.getByTestId("signoff-statement").textContent()).toBe(
      "By signing you state: I, Margaret Hale, approve section 'Shadow budget for the place' of " +
        "'Swindon: a single budget for the place' for the local side, as Signatory, Swindon Borough Council",
    );
    const password = dialog.getByLabel("Your password, to confirm it is you");
    const sign = dialog.getByRole("button", { name: "Sign off for the Local side" });
    await sign.click();
    expect(await dialog.getByTestId("signoff-password-error").textContent()).toBe("Type your password to sign.");
    await password.fill("not my password");
    await password.press("Enter");
    await expect
      .poll(() => dialog.getByTestId("signoff-password-error").textContent())
      .toBe("That is not your password; nothing was signed.");
    expect(await password.getAttribute("aria-invalid")).toBe("true");
    await expect.poll(() => signatory.evaluate(() => document.activeElement?.getAttribute("type"))).toBe("password");
    expect(await signatory.locator(badge("shadow-budget")).getAttribute("data-state")).toBe("unsigned");
    await dialog.getByTestId("signoff-dialog-sign").scrollIntoViewIfNeeded();
    await signatory.screenshot({ path: screenshotPath("signoff-dialog-password-error") });

    await signatory.setViewportSize({ width: 390, height: 844 });
    await wording.scrollIntoViewIfNeeded();
    await signatory.screenshot({ path: screenshotPath("signoff-dialog-budget-390") });

    await password.fill(DEMO_PASSWORD);
    await sign.click();
    await signatory
      .locator(`${badge("shadow-budget")}[data-state="partial"]`)
      .waitFor({ state: "attached", timeout: 5000 });
    await expect.poll(() => dialog.isVisible()).toBe(false);
    await signatory.context().close();
  });

  it("a section with nothing written is refused: the dialog says so and offers no sign-off", async () => {
    const signatory = await signedInPage(running.browser, running.server.url, "signatory@swindon.example");
    await openDemoPlan(signatory);
    const panel = signatory.locator('[data-testid="signoff-panel"][data-section="service-redesign"]');
    await panel.getByRole("button", { name: "Sign off for the Local side" }).click();
    const dialog = signatory.getByRole("dialog", { name: /Sign off “Business process re-engineering/ });
    const empty = dialog.getByTestId("signoff-dialog-empty");
    await empty.waitFor();
    expect(await empty.textContent()).toContain(
      "Nothing is written in this section yet, so there is nothing to sign off",
    );
    expect(await dialog.getByRole("button", { name: /Sign off/ }).count()).toBe(0);
    expect(await dialog.getByLabel(/Your password/).count()).toBe(0);
    await signatory.screenshot({ path: screenshotPath("signoff-dialog-empty") });
    await dialog.getByRole("button", { name: "Close" }).click();
    expect(await signatory.locator(badge("service-redesign")).getAttribute("data-state")).toBe("unsigned");
    await signatory.context().close();
  });
});
