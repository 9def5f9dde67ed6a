import { describe, expect, it } from "vitest";
import { screenshotPath, signedInPage, useServerAndBrowser } from "../support/browser";

const running = useServerAndBrowser();

const template = {
  id: "youth-offending-pilot",
  version: 1,
  title: "Youth offending pilot plan",
  description: "A short plan.",
  source: "Written for a test",
  sections: [{ key: "approach", title: "Approach", kind: "text", guidance: "How.", signoff: ["local"] }],
};

describe("importing a template through the UI", () => {
  it("shows exactly what is wrong with a bad file, then imports a good one and starts a plan from it", async () => {
    const page = await signedInPage(running.browser, running.server.url, "owner@swindon.example");
    await page.getByText("More", { exact: true }).click();
    const upload = async (content: unknown) => {
      await page.getByLabel("Template file").setInputFiles({
        name: "pilot.json",
        mimeType: "application/json",
        buffer: Buffer.from(JSON.stringify(content)),
      });
      await page.getByRole("button", { name: "Import template" }).click();
    };

    await upload({ ...template, sections: [{ ...template.sections[0], key: "Not A Key" }] });
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("Invalid plan template pilot.json");
    expect(await page.getByRole("alert").textContent()).toContain(
      "at sections[0].key: must be lower-case words joined by hyphens",
    );
    await page
      .getByRole("region", { name: "Import a template" })
      .screenshot({ path: screenshotPath("template-import-error") });

    await upload(template);
    await expect.poll(() => page.getByRole("status").textContent()).toContain('Imported "Youth offending pilot plan"');
    await page.locator('select[name="templateId"]').selectOption("youth-offending-pilot");
    await page.getByLabel("Area").fill("Swindon");
    await page.getByLabel("Plan title").fill("Youth pilot");
    await Promise.all([page.waitForURL(/\/plans\/[\w-]+$/), page.getByRole("button", { name: "Create plan" }).click()]);
    await page.getByRole("heading", { level: 2, name: /Approach/ }).waitFor();
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Youth pilot");
  });
});
