import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { openDemoPlan, planReady, screenshotPath, signedInPage, useServerAndBrowser } from "../support/browser";

const running = useServerAndBrowser();

describe("spreadsheets in the plan's tables", () => {
  it("pasting a block copied from a spreadsheet fills and adds rows with parsed amounts, and names the cells it could not read", async () => {
    const page = await signedInPage(running.browser, running.server.url, "owner@swindon.example");
    await openDemoPlan(page);
    const budget = page.locator("#section-shadow-budget");
    const grandTotal = () => budget.getByTestId("grand-total").textContent();
    expect(await grandTotal()).toBe("£13,360,000");
    await budget.getByRole("button", { name: "+ Add funding line" }).click();
    const first = budget.getByLabel("Organisation, row 5");
    await first.focus();
    const block =
      "Swindon Youth Offending Team\tMinistry of Justice\tYOT grant\tPooled\tFrom the YOT return\t£120,000\t130,000.50\n" +
      "Swindon Fire\tDCLG\tFire grant\tkind of\t\tlots\t£2,000\n";
    await first.evaluate((element, text) => {
      const data = new DataTransfer();
      data.setData("text/plain", text);
      element.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
    }, block);

    await expect.poll(() => budget.getByLabel("Organisation, row 6").inputValue()).toBe("Swindon Fire");
    expect(await first.inputValue()).toBe("Swindon Youth Offending Team");
    expect(await budget.getByLabel("Treatment, row 5").inputValue()).toBe("pooled");
    expect(await budget.getByLabel("Notes, row 5").inputValue()).toBe("From the YOT return");
    expect(await budget.getByLabel("2013-14 amount, row 5").inputValue()).toBe("£130,000.50");
    expect(await budget.getByLabel("2013-14 amount, row 6").inputValue()).toBe("£2,000");
    expect(await budget.getByLabel("2012-13 amount, row 6").inputValue()).toBe("");
    await expect.poll(grandTotal).toBe("£13,612,000.50");
    const report = budget.getByTestId("paste-report");
    expect(await report.getAttribute("role")).toBe("alert");
    const problems = await report.locator("li").allTextContents();
    expect(problems).toEqual([
      expect.stringMatching(/^Row 6, Treatment: “kind of”: not one of Pooled/),
      expect.stringMatching(/^Row 6, 2012-13: “lots”: /),
    ]);
    await report.scrollIntoViewIfNeeded();
    await budget.screenshot({ path: screenshotPath("spreadsheet-paste") });
  });

  for (const format of ["csv", "xlsx"] as const) {
    it(`a budget downloaded as ${format.toUpperCase()} and imported into a new plan, after a preview, has the same totals`, async () => {
      const page = await signedInPage(running.browser, running.server.url, "editor@swindon.example");
      await openDemoPlan(page);
      const source = page.locator("#section-shadow-budget");
      const total = await source.getByTestId("grand-total").textContent();
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        source.getByRole("button", { name: `Download ${format.toUpperCase()} of Funding lines` }).click(),
      ]);
      expect(download.suggestedFilename()).toBe(`funding-lines.${format}`);
      const file = join(mkdtempSync(join(tmpdir(), "coplan-table-")), download.suggestedFilename());
      await download.saveAs(file);

      await newPlan(page, `Imported from ${format}`);
      const target = page.locator("#section-shadow-budget");
      expect(await target.getByTestId("grand-total").textContent()).toBe("£0");
      await target.getByLabel("Import CSV or XLSX into Funding lines").setInputFiles(file);
      const preview = page.getByTestId("import-preview");
      await preview.waitFor();
      expect(await preview.textContent()).toContain("Every cell can be read.");
      await page.screenshot({ path: screenshotPath(`import-preview-${format}`) });
      await page.getByRole("button", { name: /^Add \d+ rows in Funding lines$/ }).click();
      await expect.poll(() => target.getByTestId("grand-total").textContent()).toBe(total);
      expect(await target.getByLabel("Funding line, row 1").inputValue()).toBe("Early Intervention Grant");
      expect(await target.getByLabel("Treatment, row 1").inputValue()).toBe("pooled");
    });
  }

  it("importing a download back updates its rows: three CSV and XLSX round trips keep the money, and Replace and Add do what they say", async () => {
    const page = await signedInPage(running.browser, running.server.url, "editor@swindon.example");
    await openDemoPlan(page);
    const demoFile = await downloadTable(page, page.locator("#section-shadow-budget"), "csv");
    await newPlan(page, "Round trips");
    const budget = page.locator("#section-shadow-budget");
    const funding = budget.getByRole("table", { name: "Funding lines" }).locator("tbody tr");
    await budget.getByLabel("Import CSV or XLSX into Funding lines").setInputFiles(demoFile);
    const added = page.getByRole("button", { name: /^Add \d+ rows in Funding lines$/ });
    const n = Number(/\d+/.exec((await added.textContent()) ?? "")![0]);
    await added.click();
    await expect.poll(() => funding.count()).toBe(n);
    const total = await budget.getByTestId("grand-total").textContent();
    const inScope = await budget.getByTestId("in-scope-total").textContent();
    expect(total).not.toBe("£0");

    const preview = page.getByTestId("import-preview");
    for (const format of ["csv", "xlsx", "csv", "xlsx", "csv", "xlsx"] as const) {
      const file = await downloadTable(page, budget, format);
      await budget.getByLabel("Import CSV or XLSX into Funding lines").setInputFiles(file);
      await preview.waitFor();
      expect(await preview.textContent()).toContain(`${n} rows of the file match rows the table has.`);
      expect(await page.getByTestId("import-totals").textContent()).toMatch(/now, .* after the import \(unchanged\)\./);
      await page.getByRole("button", { name: `Update ${n} rows in Funding lines` }).click();
      await preview.waitFor({ state: "hidden" });
      expect(await funding.count()).toBe(n);
      expect(await budget.getByTestId("grand-total").textContent()).toBe(total);
      expect(await budget.getByTestId("in-scope-total").textContent()).toBe(inScope);
    }
    await page.screenshot({ path: screenshotPath("import-round-trip") });

    const file = await downloadTable(page, budget, "csv");
    await budget.getByLabel("Import CSV or XLSX into Funding lines").setInputFiles(file);
    await preview.getByRole("radio", { name: /^Add as new rows/ }).check();
    expect(await page.getByTestId("import-totals").textContent()).not.toContain("unchanged");
    await page.screenshot({ path: screenshotPath("import-add-as-new") });
    await page.getByRole("button", { name: `Add ${n} rows in Funding lines` }).click();
    await expect.poll(() => funding.count()).toBe(2 * n);
    expect(await budget.getByTestId("grand-total").textContent()).not.toBe(total);

    await budget.getByLabel("Import CSV or XLSX into Funding lines").setInputFiles(file);
    await preview
      .getByRole("radio", { name: `Replace the table (delete its ${2 * n} rows, then add the file's ${n})` })
      .check();
    await page.getByRole("button", { name: `Delete ${2 * n} rows, add ${n} rows in Funding lines` }).click();
    await expect.poll(() => funding.count()).toBe(n);
    expect(await budget.getByTestId("grand-total").textContent()).toBe(total);

    await budget.getByLabel("Import CSV or XLSX into Funding lines").setInputFiles(file);
    await page.getByRole("button", { name: "Cancel" }).click();
    await preview.waitFor({ state: "hidden" });
    expect(await funding.count()).toBe(n);
  });
});

describe("the import preview on a phone", () => {
  it("at 390 px shows every row's amounts without scrolling sideways", async () => {
    const page = await signedInPage(running.browser, running.server.url, "editor@swindon.example", {
      viewport: { width: 390, height: 844 },
    });
    await openDemoPlan(page);
    const budget = page.locator("#section-shadow-budget");
    await budget
      .getByLabel("Import CSV or XLSX into Funding lines")
      .setInputFiles(await downloadTable(page, budget, "csv"));
    const preview = page.getByTestId("import-preview");
    await preview.waitFor();
    for (const amount of ["£4,200,000", "£4,050,000", "£310,000", "£1,800,000"]) {
      const box = (await preview.getByText(amount, { exact: true }).boundingBox())!;
      expect(box.x, amount).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width, amount).toBeLessThanOrEqual(390);
    }
    const table = preview.locator(".import-preview__table");
    expect(await table.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    await preview.getByText("£4,200,000", { exact: true }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath("import-preview-390") });
  });
});

async function downloadTable(page: Page, section: Locator, format: "csv" | "xlsx"): Promise<string> {
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    section.getByRole("button", { name: `Download ${format.toUpperCase()} of Funding lines` }).click(),
  ]);
  const file = join(mkdtempSync(join(tmpdir(), "coplan-table-")), download.suggestedFilename());
  await download.saveAs(file);
  return file;
}

async function newPlan(page: Page, title: string): Promise<void> {
  await page.goto(page.url().replace(/\/plans\/.*$/, "/plans"));
  await page.locator('select[name="templateId"]').selectOption("single-budget-for-a-place");
  await page.getByLabel("Area").fill("Swindon");
  await page.getByLabel("Plan title").fill(title);
  await Promise.all([page.waitForURL(/\/plans\/[\w-]+$/), page.getByRole("button", { name: "Create plan" }).click()]);
  await planReady(page);
}
