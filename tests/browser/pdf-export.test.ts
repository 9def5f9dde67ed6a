import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import JSZip from "jszip";
import { describe, expect, it } from "vitest";
import { openDemoPlan, screenshotPath, signedInPage, useServerAndBrowser } from "../support/browser";

const running = useServerAndBrowser();

describe("exporting from the plan page", () => {
  it("Export PDF downloads the plan as a PDF", async () => {
    const page = await signedInPage(running.browser, running.server.url, "viewer@police.example");
    await openDemoPlan(page);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export PDF" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe("Swindon-a-single-budget-for-the-place.pdf");
    const file = screenshotPath("exported-plan").replace(/\.png$/, ".pdf");
    await download.saveAs(file);
    expect(readFileSync(file).subarray(0, 5).toString()).toBe("%PDF-");
    const info = execFileSync("pdfinfo", [file]).toString();
    // Cover, contents, then the sections: each starts on a new page only when under a third is left.
    const pages = Number(/Pages:\s+(\d+)/.exec(info)?.[1]);
    expect(pages).toBeGreaterThanOrEqual(5);
    expect(pages).toBeLessThan(10);
    expect(info).toMatch(/Tagged:\s+yes/);
    // Pages to look at: the cover, the contents and the shadow budget.
    execFileSync("pdftoppm", ["-png", "-r", "60", "-f", "1", "-l", "3", file, file.replace(/\.pdf$/, "-page")]);
    expect(await page.getByTestId("export-status").textContent()).toBe("");
  });

  it("Export Word downloads the plan as a Word document", async () => {
    const page = await signedInPage(running.browser, running.server.url, "viewer@police.example");
    await openDemoPlan(page);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export Word" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe("Swindon-a-single-budget-for-the-place.docx");
    const file = screenshotPath("exported-plan").replace(/\.png$/, ".docx");
    await download.saveAs(file);
    const zip = await JSZip.loadAsync(readFileSync(file));
    expect(await zip.file("word/document.xml")!.async("string")).toContain("Swindon: a single budget for the place");
    expect(await page.getByTestId("export-status").textContent()).toBe("");
  });
});
