import { describe, expect, it } from "vitest";
import {
  editorText,
  openDemoPlan,
  planReady,
  screenshotPath,
  signedInPage,
  useServerAndBrowser,
} from "../support/browser";
import { violations } from "../support/page-checks";

const running = useServerAndBrowser();

const asUser = (email: string) =>
  signedInPage(running.browser, running.server.url, email, { viewport: { width: 1366, height: 768 }, bypassCSP: true });

describe("accessibility", () => {
  it("axe finds no WCAG 2.2 AA violations on login, plans, the plan as each role, members", async () => {
    const login = await (await running.browser.newContext({ bypassCSP: true })).newPage();
    await login.goto(`${running.server.url}/login`);
    expect(await violations(login), "login").toEqual([]);
    await login.context().close();

    const owner = await asUser("owner@swindon.example");
    expect(await violations(owner), "plans").toEqual([]);
    await openDemoPlan(owner);
    const planUrl = owner.url();
    expect(await violations(owner), "plan as owner").toEqual([]);
    await owner.goto(`${planUrl}/members`);
    await owner.getByRole("heading", { name: "Members" }).waitFor();
    expect(await violations(owner), "members as owner").toEqual([]);

    for (const email of [
      "editor@swindon.example",
      "signatory@dclg.example",
      "reviewer@dwp.example",
      "viewer@police.example",
    ]) {
      const page = await asUser(email);
      await page.goto(planUrl);
      await planReady(page);
      expect(await violations(page), `plan as ${email}`).toEqual([]);
      await page.context().close();
    }
  });

  it("axe finds no violations with a comment being written or the sign-off dialog open; the dialog returns focus", async () => {
    const reviewer = await asUser("reviewer@dwp.example");
    await openDemoPlan(reviewer);
    await reviewer.locator("#section-customer-insight").getByRole("button", { name: "Comment on" }).click();
    await reviewer.getByTestId("comment-composer").waitFor();
    expect(await violations(reviewer), "comment composer").toEqual([]);

    const signatory = await asUser("signatory@swindon.example");
    await openDemoPlan(signatory);
    const signOff = signatory
      .locator('[data-testid="signoff-panel"][data-section="customer-insight"]')
      .getByRole("button", { name: "Sign off for the Local side" });
    await signOff.click();
    const dialog = signatory.getByRole("dialog", { name: /Sign off “Customer insight/ });
    await dialog.getByLabel("Your password, to confirm it is you").waitFor();
    await signatory.screenshot({ path: screenshotPath("a11y-signoff-dialog") });
    expect(await violations(signatory), "sign-off dialog").toEqual([]);
    await signatory.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    expect(await signOff.evaluate((button) => button === document.activeElement)).toBe(true);
  });

  it("axe finds no violations in history and compare, nor on the pages people, portfolio and search brought", async () => {
    const owner = await asUser("owner@swindon.example");
    await openDemoPlan(owner);
    const planUrl = owner.url();
    await owner.getByRole("button", { name: "History" }).click();
    const panel = owner.getByTestId("history-panel");
    await panel.getByLabel("Save version…").fill("Accessibility check");
    await panel.getByRole("button", { name: "Save" }).click();
    const saved = panel.getByTestId("history-version").filter({ hasText: "Accessibility check" });
    await saved.waitFor();
    expect(await violations(owner), "history").toEqual([]);
    await owner.locator('.rich-text[data-section="customer-insight"]').click();
    await owner.keyboard.press("Control+End");
    await owner.keyboard.type(" A sentence to compare.");
    await saved.getByRole("button", { name: "Compare with now" }).click();
    await panel.locator('[data-testid="history-section-changes"][data-section="customer-insight"]').waitFor();
    expect(await violations(owner), "compare").toEqual([]);
    await panel.getByRole("button", { name: "← All versions" }).click();
    await saved.getByRole("button", { name: "Open" }).click();
    await panel.getByTestId("history-open").getByRole("table", { name: "Funding lines" }).waitFor();
    expect(await violations(owner), "an opened version").toEqual([]);

    for (const path of [
      "/admin",
      "/admin/outbox",
      "/notifications",
      "/account",
      "/portfolio",
      "/search?q=budget",
      `${new URL(planUrl).pathname}/activity`,
    ]) {
      await owner.goto(`${running.server.url}${path}`);
      await owner.waitForLoadState("networkidle");
      expect(await violations(owner), path).toEqual([]);
    }
    await owner.context().close();
  });

  it("axe finds no violations in this round's screens: the import preview, the year and member questions, the link editor and table menu, the comments sheet", async () => {
    const owner = await asUser("owner@swindon.example");
    await openDemoPlan(owner);
    const planUrl = owner.url();
    const budget = owner.locator("#section-shadow-budget");
    const [download] = await Promise.all([
      owner.waitForEvent("download"),
      budget.getByRole("button", { name: "Download CSV of Funding lines" }).click(),
    ]);
    await budget.getByLabel("Import CSV or XLSX into Funding lines").setInputFiles((await download.path())!);
    await owner.getByTestId("import-preview").waitFor();
    expect(await violations(owner), "import preview").toEqual([]);
    await owner.getByRole("button", { name: "Cancel" }).click();

    await budget.getByRole("button", { name: "Remove year 2013-14" }).click();
    await owner.getByRole("dialog", { name: "Remove 2013-14 and its amounts?" }).waitFor();
    expect(await violations(owner), "year question").toEqual([]);
    await owner
      .getByRole("dialog", { name: "Remove 2013-14 and its amounts?" })
      .getByRole("button", { name: "Cancel" })
      .click();

    const editor = owner.locator('.rich-text[data-section="governance"]');
    await editor.focus();
    await editor.press("ControlOrMeta+End");
    await editor.press("ControlOrMeta+k");
    await owner.getByRole("dialog", { name: "Add a link" }).waitFor();
    expect(await violations(owner), "link editor").toEqual([]);
    await owner.keyboard.press("Escape");
    await editor.press("ControlOrMeta+Alt+t");
    await owner.getByRole("toolbar", { name: /^Table: / }).waitFor();
    expect(await violations(owner), "table menu").toEqual([]);

    await owner.goto(`${planUrl}/members`);
    await owner.getByRole("button", { name: "Remove Sam Whitfield" }).click();
    await owner.getByRole("dialog", { name: "Remove Sam Whitfield from this plan?" }).waitFor();
    expect(await violations(owner), "member question").toEqual([]);
    await owner.goto(`${planUrl}/activity`);
    expect(await violations(owner), "activity").toEqual([]);

    const reviewer = await signedInPage(running.browser, running.server.url, "reviewer@dwp.example", {
      viewport: { width: 768, height: 1024 },
      bypassCSP: true,
    });
    await reviewer.goto(planUrl);
    await planReady(reviewer);
    await reviewer.getByRole("button", { name: /^Comments.* and people$/ }).click();
    await reviewer.locator('#plan-sidebar[data-open="true"]').waitFor();
    expect(await violations(reviewer), "comments sheet at 768").toEqual([]);
  });

  it("the first Tab reaches a skip link that moves focus to the page's main content", async () => {
    const first = await asUser("editor@swindon.example");
    await openDemoPlan(first);
    // A fresh page, as someone arriving at the plan: no earlier click sets where Tab starts.
    const page = await first.context().newPage();
    await page.goto(first.url());
    await planReady(page);
    await page.keyboard.press("Tab");
    const skip = page.getByRole("link", { name: "Skip to main content" });
    expect(await skip.evaluate((link) => link === document.activeElement)).toBe(true);
    expect(await skip.isVisible()).toBe(true);
    await page.keyboard.press("Enter");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("main");
  });

  it("a keyboard-only reviewer moves the caret through the text (theirs to suggest in), selects words and comments on them", async () => {
    const reviewer = await asUser("reviewer@dwp.example");
    await openDemoPlan(reviewer);
    const editor = reviewer.locator('.rich-text[data-section="customer-insight"]');
    expect(await editor.getAttribute("contenteditable")).toBe("true");
    const text = await editorText(reviewer, "customer-insight");
    const phrase = "twelve visioning sessions";
    const at = text.indexOf(phrase);
    expect(at).toBeGreaterThan(0);

    await editor.focus();
    await reviewer.keyboard.press("Control+Home");
    for (let i = 0; i < at; i++) await reviewer.keyboard.press("ArrowRight");
    await editor.screenshot({ path: screenshotPath("a11y-reviewer-caret") });
    for (let i = 0; i < phrase.length; i++) await reviewer.keyboard.press("Shift+ArrowRight");
    expect(await reviewer.evaluate(() => window.getSelection()?.toString())).toBe(phrase);
    await reviewer.keyboard.press("Control+Alt+KeyM");

    const composer = reviewer.getByTestId("comment-composer");
    await composer.waitFor();
    expect(await composer.locator("blockquote").textContent()).toBe(phrase);
    expect(await reviewer.evaluate(() => document.activeElement?.id)).toBe("new-comment");
    await reviewer.keyboard.type("Which wards were these in?");
    await reviewer.keyboard.press("Control+Enter");
    await composer.waitFor({ state: "detached" });
    const thread = reviewer.locator('[data-testid="comment-thread"][data-section="customer-insight"]');
    await thread.waitFor();
    expect(await thread.locator(".thread__quote").textContent()).toBe(`“${phrase}”`);
    expect(await editorText(reviewer, "customer-insight")).toBe(text);
  });
});
