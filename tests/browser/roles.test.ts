import { describe, expect, it } from "vitest";
import { editorText, openDemoPlan, screenshotPath, signedInPage, useServerAndBrowser } from "../support/browser";

const running = useServerAndBrowser();

describe("what each role sees", () => {
  it("a reviewer's typing is a suggestion, and a notice says they can comment and suggest", async () => {
    const page = await signedInPage(running.browser, running.server.url, "reviewer@dwp.example");
    await openDemoPlan(page);

    expect(await page.getByTestId("role-notice").textContent()).toContain("Reviewer: you can comment");
    const editor = page.locator('.rich-text[data-section="customer-insight"]');
    expect(await page.getByTestId("role-notice").textContent()).toContain("suggestion");
    const before = await editorText(page, "customer-insight");
    await editor.click();
    await page.keyboard.press("End");
    await page.keyboard.type(" reviewer typing");
    await expect.poll(() => editor.locator("ins.suggestion").allTextContents()).toEqual([" reviewer typing"]);
    expect((await editorText(page, "customer-insight")).length).toBe(before.length + " reviewer typing".length);
    await page.screenshot({ path: screenshotPath("reviewer-suggesting") });
  });

  it("an owner manages members; others see the list without controls", async () => {
    const owner = await signedInPage(running.browser, running.server.url, "owner@swindon.example");
    await openDemoPlan(owner);
    await owner.getByRole("link", { name: "Members" }).click();
    await owner.getByRole("heading", { name: "Members" }).waitFor();
    await owner.getByLabel("Role of Sam Whitfield").selectOption("reviewer");
    await owner.getByLabel("Role of Sam Whitfield").locator("xpath=..").getByRole("button", { name: "Change" }).click();
    await expect.poll(() => owner.getByRole("status").textContent()).toBe("Role changed.");

    await owner.getByLabel("Email address").fill("nobody@nowhere.example");
    await owner.getByRole("button", { name: "Add member" }).click();
    // Someone without an account is invited rather than refused.
    await expect
      .poll(() => owner.getByRole("status").first().textContent())
      .toBe("Invitation sent to nobody@nowhere.example.");
    await owner.screenshot({ path: screenshotPath("members-owner") });

    const editor = await signedInPage(running.browser, running.server.url, "editor@swindon.example");
    await editor.goto(owner.url());
    await editor.getByRole("heading", { name: "Members" }).waitFor();
    expect(await editor.getByRole("button", { name: /Remove/ }).count()).toBe(0);
    expect(await editor.getByText("Sam Whitfield").count()).toBe(1);
  });
});
