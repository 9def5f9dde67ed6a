import { describe, expect, it } from "vitest";
import { openDemoPlan, signedInPage, useServerAndBrowser } from "../support/browser";

const running = useServerAndBrowser({ EXPORT_PER_USER_PER_MINUTE: "1" });

describe("export limits on the plan page", () => {
  it("an export past the limit says so in plain words, with when to try again", async () => {
    const page = await signedInPage(running.browser, running.server.url, "viewer@police.example");
    await openDemoPlan(page);
    const button = page.getByRole("button", { name: "Export PDF" });
    await Promise.all([page.waitForEvent("download"), button.click()]);
    await button.click();
    const status = page.getByTestId("export-status");
    await status.getByText(/You can start 1 PDF export a minute and have reached that: try again in \d+ s\./).waitFor();
    expect(await button.isEnabled()).toBe(true);
  });
});
