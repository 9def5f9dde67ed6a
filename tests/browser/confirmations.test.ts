import { describe, expect, it } from "vitest";
import { openDemoPlan, screenshotPath, signedInPage, useServerAndBrowser } from "../support/browser";
import { demoPlanId, getJson, signIn } from "../support/http";

const running = useServerAndBrowser();

describe("actions that take something away ask first and can be taken back", () => {
  it("removing a member names them and what they lose, can be cancelled, and can be undone", async () => {
    const page = await signedInPage(running.browser, running.server.url, "owner@swindon.example");
    await openDemoPlan(page);
    await page.goto(`${page.url()}/members`);
    const sam = page.getByRole("row", { name: /Sam Whitfield/ });
    const viewerCookie = await signIn(running.server.url, "viewer@police.example");
    const planId = await demoPlanId(running.server.url, await signIn(running.server.url, "owner@swindon.example"));
    const samReads = async () =>
      (await fetch(`${running.server.url}/api/plans/${planId}`, { headers: { cookie: viewerCookie } })).status;

    await page.getByRole("button", { name: "Remove Sam Whitfield" }).click();
    const dialog = page.getByRole("dialog", { name: "Remove Sam Whitfield from this plan?" });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain("Sam Whitfield (viewer, Wiltshire Police) loses access");
    expect(await dialog.textContent()).toContain("can no longer open or read the plan");
    await page.screenshot({ path: screenshotPath("remove-member-confirm") });
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "hidden" });
    expect(await sam.count()).toBe(1);
    expect(await samReads()).toBe(200);

    await page.getByRole("button", { name: "Remove Sam Whitfield" }).click();
    await dialog.getByRole("button", { name: "Remove Sam Whitfield" }).click();
    await page.getByText("Sam Whitfield no longer has access to this plan.").waitFor();
    // The action's answer shows before the page's data is read again without Sam.
    await expect.poll(() => sam.count()).toBe(0);
    expect(await samReads()).toBe(404);

    await page.getByRole("button", { name: "Undo: add Sam Whitfield back as viewer" }).click();
    await sam.waitFor();
    expect(await sam.getByLabel("Role of Sam Whitfield").inputValue()).toBe("viewer");
    expect(await samReads()).toBe(200);
    const { body: members } = await getJson<{ email: string; role: string }[]>(
      running.server.url,
      `/api/plans/${planId}/members`,
      viewerCookie,
    );
    expect(members).toContainEqual(expect.objectContaining({ email: "viewer@police.example", role: "viewer" }));
  });

  it("removing a financial year says how much money it holds, can be cancelled, and can be undone", async () => {
    const page = await signedInPage(running.browser, running.server.url, "editor@swindon.example");
    await openDemoPlan(page);
    const budget = page.locator("#section-shadow-budget");
    const total = await budget.getByTestId("grand-total").textContent();
    const years = () => budget.locator(".budget__years .tag").allTextContents();
    expect(await years()).toEqual(["2012-13×", "2013-14×", "2014-15×"]);

    await budget.getByRole("button", { name: "Remove year 2013-14" }).click();
    const dialog = page.getByRole("dialog", { name: "Remove 2013-14 and its amounts?" });
    await dialog.waitFor();
    expect(await dialog.textContent()).toMatch(
      /2013-14 holds £[\d,]+ in \d+ rows\. Removing the year deletes those amounts/,
    );
    await page.screenshot({ path: screenshotPath("remove-year-confirm") });
    await dialog.getByRole("button", { name: "Cancel" }).click();
    expect(await years()).toHaveLength(3);
    expect(await budget.getByTestId("grand-total").textContent()).toBe(total);

    await budget.getByRole("button", { name: "Remove year 2013-14" }).click();
    await dialog.getByRole("button", { name: "Remove 2013-14" }).click();
    await expect.poll(years).toEqual(["2012-13×", "2014-15×"]);
    expect(await budget.getByTestId("grand-total").textContent()).not.toBe(total);
    const notice = budget.getByRole("status").filter({ hasText: "Year 2013-14 removed" });
    await notice.getByRole("button", { name: "Undo" }).click();
    await expect.poll(years).toEqual(["2012-13×", "2013-14×", "2014-15×"]);
    expect(await budget.getByTestId("grand-total").textContent()).toBe(total);
  });

  it("a new row takes the caret, so typing fills it; deleting it can be undone", async () => {
    const page = await signedInPage(running.browser, running.server.url, "editor@swindon.example");
    await openDemoPlan(page);
    const budget = page.locator("#section-shadow-budget");
    const funding = budget.getByRole("table", { name: "Funding lines" }).locator("tbody tr");
    const before = await funding.count();
    await budget.getByRole("button", { name: "+ Add funding line" }).click();
    await page.keyboard.type("Swindon Fire and Rescue");
    const organisation = budget.getByLabel(`Organisation, row ${before + 1}`).first();
    await expect.poll(() => organisation.inputValue()).toBe("Swindon Fire and Rescue");
    expect(await funding.count()).toBe(before + 1);

    await budget
      .getByRole("button", { name: `Delete row ${before + 1}` })
      .first()
      .click();
    await expect.poll(() => funding.count()).toBe(before);
    await budget.getByRole("status").filter({ hasText: "deleted" }).getByRole("button", { name: "Undo" }).click();
    await expect.poll(() => funding.count()).toBe(before + 1);
    expect(await organisation.inputValue()).toBe("Swindon Fire and Rescue");
  });
});
