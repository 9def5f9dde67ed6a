import { describe, expect, it } from "vitest";
import { londonDate } from "../../server/people/london-days.server";
import { addUser } from "../support/admin";
import { DEMO_PASSWORD } from "../../server/ops/demo-seed.server";
import { openDemoPlan, screenshotPath, signedInPage, useServerAndBrowser } from "../support/browser";

const running = useServerAndBrowser();

const WIDE = { width: 1366, height: 900 };
const NARROW = { width: 390, height: 844 };

describe("a deputy in the browser", () => {
  it("a signatory names a deputy on her account page; the deputy signs for her from his own account, and the record names both", async () => {
    addUser(running.server.databasePath, "deputy@swindon.example", "Dan Deputy", "local");
    const today = londonDate(Date.now());
    const until = londonDate(Date.now() + 2 * 86_400_000);

    const margaret = await signedInPage(running.browser, running.server.url, "signatory@swindon.example", {
      viewport: WIDE,
    });
    await margaret.goto(`${running.server.url}/account`);
    const panel = margaret.getByRole("region", { name: "Deputy while you are away" });
    await panel.getByLabel("Deputy’s email").fill("deputy@swindon.example");
    await panel.getByLabel("First day").fill(today);
    await panel.getByLabel("Last day").fill(until);
    await panel.getByRole("button", { name: "Name deputy" }).click();
    await margaret
      .getByRole("status")
      .getByText(/Dan Deputy stands in for you from/)
      .waitFor();
    expect(await margaret.getByTestId("my-deputies").textContent()).toContain(
      "Dan Deputy (deputy@swindon.example) stands in for you from",
    );
    await panel.scrollIntoViewIfNeeded();
    await margaret.screenshot({ path: screenshotPath("deputy-account-1366") });
    await margaret.setViewportSize(NARROW);
    await panel.scrollIntoViewIfNeeded();
    await margaret.screenshot({ path: screenshotPath("deputy-account-390") });

    const dan = await signedInPage(running.browser, running.server.url, "deputy@swindon.example", { viewport: WIDE });
    // Dan is no member of the plan: the list names what he is there (it said "Viewer").
    const card = dan.getByTestId("plan-card").filter({ hasText: "Swindon: a single budget" });
    expect(await card.locator(".plan-card__tags").textContent()).toContain("Deputy for Margaret Hale");
    expect(await card.locator(".plan-card__tags").textContent()).not.toContain("Viewer");
    await openDemoPlan(dan);
    expect(await dan.getByTestId("deputy-notice").textContent()).toContain("You stand in for Margaret Hale");
    const section = dan.locator('[data-testid="signoff-panel"][data-section="customer-insight"]');
    await section.getByRole("button", { name: "Sign off for the Local side, for Margaret Hale" }).click();
    const dialog = dan.getByRole("dialog", { name: /Sign off “Customer insight/ });
    await dialog.waitFor();
    expect(await dialog.getByTestId("signoff-statement").textContent()).toContain(
      "I, Dan Deputy, approve section 'Customer insight and visioning'",
    );
    expect(await dialog.getByTestId("signoff-statement").textContent()).toContain("as deputy for Margaret Hale");
    // The deputy proves it is them with their own password, not the signatory's.
    await dialog.getByLabel("Your password, to confirm it is you").fill(DEMO_PASSWORD);
    await dialog.getByRole("button", { name: /^Sign off for the Local side/ }).click();
    await section.getByText("Local signed off by Dan Deputy for Margaret Hale").waitFor({ timeout: 5000 });
    await section.scrollIntoViewIfNeeded();
    await dan.screenshot({ path: screenshotPath("deputy-signed-1366") });
    await dan.setViewportSize(NARROW);
    await section.scrollIntoViewIfNeeded();
    await dan.screenshot({ path: screenshotPath("deputy-signed-390") });

    // Margaret's page shows the same record live, and she is told.
    await margaret.setViewportSize(WIDE);
    await margaret.goto(`${running.server.url}/plans`);
    await openDemoPlan(margaret);
    const hers = margaret.locator('[data-testid="signoff-panel"][data-section="customer-insight"]');
    expect(await hers.textContent()).toContain("Local signed off by Dan Deputy for Margaret Hale");

    const owner = await signedInPage(running.browser, running.server.url, "owner@swindon.example", { viewport: WIDE });
    await openDemoPlan(owner);
    await owner.goto(`${owner.url()}/members`);
    expect(await owner.getByTestId("stand-in").textContent()).toContain("Dan Deputy stands in for Margaret Hale until");
    await owner.getByTestId("stand-in").scrollIntoViewIfNeeded();
    await owner.screenshot({ path: screenshotPath("deputy-members-1366") });

    // Margaret ends the deputyship while Dan's page is open: his page drops every control it
    // gave him as a deputy and says plainly that the plan is no longer his to see.
    await dan.setViewportSize(WIDE);
    const ended = await margaret.evaluate(
      async () => (await fetch("/api/account/deputy", { method: "DELETE" })).status,
    );
    expect(ended).toBeLessThan(300);
    await dan.getByTestId("connection-status").and(dan.locator('[data-state="closed"]')).waitFor({ timeout: 5000 });
    const closedNotice = dan.getByTestId("plan-closed-notice");
    await closedNotice.waitFor();
    expect(await closedNotice.textContent()).toContain("This plan is no longer open to you");
    expect(await closedNotice.getByRole("link", { name: "Back to your plans" }).getAttribute("href")).toBe("/plans");
    expect(await dan.getByTestId("deputy-notice").count()).toBe(0);
    expect(await dan.getByRole("button", { name: /for Margaret Hale/ }).count()).toBe(0);
    expect(await dan.getByRole("button", { name: /^Request sign-off|^Return|^Revoke/ }).count()).toBe(0);
    expect(await dan.getByRole("region", { name: "People with this plan open" }).count()).toBe(0);
    // Members, exports and history would each only be refused now.
    expect(await dan.locator(".plan__actions").textContent()).not.toMatch(/Members|Export|History/);
    await closedNotice.scrollIntoViewIfNeeded();
    await dan.screenshot({ path: screenshotPath("deputy-ended-1366") });
  });
});
