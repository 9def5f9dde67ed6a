import { describe, expect, it } from "vitest";
import { screenshotPath, signedInPage, useServerAndBrowser } from "../support/browser";

const running = useServerAndBrowser();

describe("the plans list", () => {
  it("shows each plan's status, sign-off progress and last edit; an owner renames, archives and deletes after confirming", async () => {
    const page = await signedInPage(running.browser, running.server.url, "owner@swindon.example");
    const demo = page.getByTestId("plan-card").filter({ hasText: "Swindon: a single budget" });
    expect(await demo.textContent()).toMatch(/Draft.*0 of 14 sections signed off.*Last edited/);

    await page.getByLabel("Area").fill("Leeds");
    await page.getByLabel("Plan title").fill("Leeds draft");
    await Promise.all([page.waitForURL(/\/plans\/[\w-]+$/), page.getByRole("button", { name: "Create plan" }).click()]);
    await page.goto(`${running.server.url}/plans`);
    const leeds = () => page.getByTestId("plan-card").filter({ hasText: "Leeds" });
    /** Opens the plan's Manage menu unless it is still open from the last action. */
    const manage = async () => {
      if ((await leeds().locator("details").getAttribute("open")) === null) {
        await leeds().locator("summary", { hasText: "Manage" }).click();
      }
    };
    await manage();
    await leeds().getByLabel("New title").fill("Leeds single budget");
    await leeds().getByRole("button", { name: "Rename" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toBe("Renamed “Leeds single budget”.");

    await manage();
    await leeds().getByRole("button", { name: "Archive" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toBe("Archived “Leeds single budget”.");
    await expect.poll(() => leeds().count()).toBe(0);
    await page.getByLabel("Show").selectOption("archived");
    await page.getByRole("button", { name: "Apply" }).click();
    await leeds().getByText("Archived", { exact: true }).waitFor();

    await manage();
    await leeds().getByRole("button", { name: "Delete…" }).click();
    const dialog = page.getByRole("dialog", { name: "Delete “Leeds single budget”?" });
    await dialog.waitFor();
    await page.screenshot({ path: screenshotPath("plans-list-delete") });
    await dialog.getByRole("button", { name: "Cancel" }).click();
    expect(await leeds().count()).toBe(1);
    await leeds().getByRole("button", { name: "Delete…" }).click();
    await dialog.getByRole("button", { name: "Delete “Leeds single budget”" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toBe("Deleted “Leeds single budget”.");
    await expect.poll(() => leeds().count()).toBe(0);
  });

  it("only owners see Manage; importing a template sits behind More", async () => {
    const page = await signedInPage(running.browser, running.server.url, "editor@swindon.example");
    expect(await page.locator("summary", { hasText: "Manage" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Import template" }).isVisible()).toBe(false);
    await page.getByText("More", { exact: true }).click();
    expect(await page.getByRole("button", { name: "Import template" }).isVisible()).toBe(true);
  });
});
