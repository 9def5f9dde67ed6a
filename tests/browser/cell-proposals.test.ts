import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { openDemoPlan, planReady, screenshotPath, signedInPage, useServerAndBrowser } from "../support/browser";
import { violations } from "../support/page-checks";

const running = useServerAndBrowser();

const LABEL = "2013-14 amount, row 1";

const budget = (page: Page) => page.locator("#section-shadow-budget");
const cell = (page: Page) => budget(page).getByLabel(LABEL).first();
const proposal = (page: Page) => cell(page).locator("xpath=ancestor::td").locator(".cell-proposal");
const grandTotal = (page: Page) => page.getByTestId("totals-shadow-budget").getByTestId("grand-total").textContent();
const note = (page: Page) => page.getByTestId("proposed-change-shadow-budget");

/** "£1,234,567" as pence. */
function pence(pounds: string): number {
  return Math.round(Number(pounds.replace(/[£,]/g, "")) * 100);
}

function pounds(value: number): string {
  return `£${(value / 100).toLocaleString("en-GB", { maximumFractionDigits: 2 })}`;
}

describe("a reviewer proposes a budget amount", () => {
  it.each([
    { width: 1366, height: 900 },
    { width: 768, height: 1000 },
    { width: 390, height: 844 },
  ])(
    "at $width px: the editor sees it struck and beside, live, with the totals note; accepting moves both pages' totals",
    async (viewport) => {
      const reviewer = await signedInPage(running.browser, running.server.url, "reviewer@dwp.example", { viewport });
      await openDemoPlan(reviewer);
      const editor = await signedInPage(running.browser, running.server.url, "editor@swindon.example", { viewport });
      await editor.goto(reviewer.url());
      await planReady(editor);

      const before = (await cell(reviewer).inputValue()) || "£0";
      const total = (await grandTotal(reviewer))!;
      await expect.poll(() => grandTotal(editor)).toBe(total);
      const proposed = pence(before) + 1_500_00;

      // The reviewer's cell takes typing, but what is typed is a proposal, not an edit.
      expect(await cell(reviewer).getAttribute("readonly")).toBeNull();
      await cell(reviewer).fill(String(proposed / 100));
      await cell(reviewer).press("Enter");

      await expect.poll(() => proposal(editor).count()).toBe(1);
      expect(await proposal(editor).locator("del").textContent()).toContain(before);
      expect(await proposal(editor).locator("ins").textContent()).toContain(pounds(proposed));
      await expect.poll(() => note(editor).textContent()).toBe("Open proposals would change this by +£1,500");
      await expect.poll(() => note(reviewer).textContent()).toBe("Open proposals would change this by +£1,500");
      // The totals are those of accepted values, and the cell still holds the accepted amount.
      expect(await grandTotal(editor)).toBe(total);
      expect(await grandTotal(reviewer)).toBe(total);
      expect(await cell(editor).inputValue()).toBe(before === "£0" ? "" : before);
      // Who proposed it and when, on focus; the reviewer withdraws, the editor accepts or rejects.
      await proposal(editor).locator(".cell-proposal__change").focus();
      await expect.poll(() => proposal(editor).locator(".cell-proposal__who").isVisible()).toBe(true);
      expect(await proposal(editor).locator(".cell-proposal__who").textContent()).toContain("Proposed by Priya Nair");
      expect(
        await proposal(reviewer)
          .getByRole("button", { name: /^Withdraw your proposal: / })
          .count(),
      ).toBe(1);
      expect(
        await proposal(reviewer)
          .getByRole("button", { name: /^Accept/ })
          .count(),
      ).toBe(0);
      // Counted beside the section in the list of sections, and in the side list.
      const counted = editor.locator('[data-testid="open-suggestion-count"][data-section="shadow-budget"]');
      await expect.poll(() => counted.count()).toBe(1);
      expect(await counted.textContent()).toBe("✎1 open suggestion");
      await expect
        .poll(() => editor.locator(".suggestion-list__item").filter({ hasText: "2013-14 amount" }).count())
        .toBe(1);

      await proposal(editor).locator(".cell-proposal__change").scrollIntoViewIfNeeded();
      await budget(editor).screenshot({ path: screenshotPath(`cell-proposal-${viewport.width}`) });
      await note(editor).scrollIntoViewIfNeeded();
      await editor.screenshot({ path: screenshotPath(`cell-proposal-totals-${viewport.width}`) });

      await proposal(editor)
        .getByRole("button", { name: /^Accept Priya Nair's proposal: / })
        .click();
      const after = pounds(pence(total) + 1_500_00);
      await expect.poll(() => grandTotal(editor)).toBe(after);
      await expect.poll(() => grandTotal(reviewer)).toBe(after);
      await expect.poll(() => proposal(reviewer).count()).toBe(0);
      await expect.poll(() => note(reviewer).count()).toBe(0);
      await expect.poll(() => counted.count()).toBe(0);
      expect(await cell(reviewer).inputValue()).toBe(pounds(proposed));
      await reviewer.context().close();
      await editor.context().close();
    },
  );
});

describe("a reviewer typing a cell's own value", () => {
  it("proposes nothing and is told so, politely, in the cell", async () => {
    const reviewer = await signedInPage(running.browser, running.server.url, "reviewer@dwp.example", {
      bypassCSP: true,
    });
    await openDemoPlan(reviewer);
    const notes = budget(reviewer).getByLabel("Notes, row 2").first();
    const said = (field: ReturnType<typeof cell>) =>
      field.locator("xpath=ancestor::td").locator('.cell-proposals [role="status"]').allTextContents();

    // Passing through a cell says nothing.
    await notes.focus();
    await notes.press("Tab");
    expect(await notes.locator("xpath=ancestor::td").locator('[role="status"]').count()).toBe(0);

    const amount = await cell(reviewer).inputValue();
    await cell(reviewer).fill(String(pence(amount || "0") / 100));
    await cell(reviewer).press("Enter");
    await expect.poll(() => said(cell(reviewer))).toEqual(["That is already the value; nothing proposed"]);

    // A text cell with words in it, typed over with the same words as a person retyping them would.
    const named = await budget(reviewer)
      .locator("textarea")
      .evaluateAll((all) => all.find((box) => (box as HTMLTextAreaElement).value)?.getAttribute("aria-label"));
    const words = budget(reviewer).getByLabel(named!).first();
    const before = await words.inputValue();
    await words.fill("");
    await words.fill(before);
    await words.press("Tab");
    await expect.poll(() => said(words)).toEqual(["That is already the value; nothing proposed"]);
    await budget(reviewer).screenshot({ path: screenshotPath("cell-proposal-unchanged") });

    const planId = new URL(reviewer.url()).pathname.split("/").at(-1);
    const listed = await reviewer.request.get(`${running.server.url}/api/plans/${planId}/suggestions`);
    const open = ((await listed.json()) as { kind: string; status: string }[]).filter(
      (suggestion) => suggestion.kind === "cell" && suggestion.status === "open",
    );
    expect(open).toEqual([]);
    expect(await violations(reviewer, "#section-shadow-budget")).toEqual([]);
    await reviewer.context().close();
  });
});

describe("deciding a proposal in its cell", () => {
  it("by keyboard leaves focus in that cell, not on the page", async () => {
    const reviewer = await signedInPage(running.browser, running.server.url, "reviewer@dwp.example");
    await openDemoPlan(reviewer);
    const editor = await signedInPage(running.browser, running.server.url, "editor@swindon.example");
    await editor.goto(reviewer.url());
    await planReady(editor);
    const notes = (page: Page) => budget(page).getByLabel("Notes, row 2").first();
    const proposed = notes(editor).locator("xpath=ancestor::td").locator(".cell-proposal");
    const focused = () =>
      editor.evaluate(() => document.activeElement?.getAttribute("aria-label") ?? document.activeElement?.tagName);

    await notes(reviewer).fill("Ring-fenced until 2014");
    await notes(reviewer).press("Tab");
    await expect.poll(() => proposed.count()).toBe(1);
    await proposed.getByRole("button", { name: /^Reject Priya Nair's proposal: / }).focus();
    // Reject asks for an optional reason, with the focus in it: Tab on to the button that rejects.
    await editor.keyboard.press("Enter");
    await editor.keyboard.press("Tab");
    await editor.keyboard.press("Enter");
    await expect.poll(() => proposed.count()).toBe(0);
    await expect.poll(focused).toBe("Notes, row 2");

    await notes(reviewer).fill("Ring-fenced until 2015");
    await notes(reviewer).press("Tab");
    await expect.poll(() => proposed.count()).toBe(1);
    await proposed.getByRole("button", { name: /^Accept Priya Nair's proposal: / }).focus();
    await editor.keyboard.press("Enter");
    await expect.poll(() => notes(editor).inputValue()).toBe("Ring-fenced until 2015");
    await expect.poll(focused).toBe("Notes, row 2");
    await reviewer.context().close();
    await editor.context().close();
  });
});

describe("deciding proposals from the side list", () => {
  it("accepts all of a section's at once, by keyboard, and axe finds nothing in the cells or the list", async () => {
    const reviewer = await signedInPage(running.browser, running.server.url, "reviewer@dwp.example");
    await openDemoPlan(reviewer);
    const editor = await signedInPage(running.browser, running.server.url, "editor@swindon.example", {
      bypassCSP: true,
    });
    await editor.goto(reviewer.url());
    await planReady(editor);
    const total = (await grandTotal(editor))!;
    const second = (page: Page) => budget(page).getByLabel("2012-13 amount, row 2").first();
    const firstBefore = pence((await cell(reviewer).inputValue()) || "£0");
    const secondBefore = pence((await second(reviewer).inputValue()) || "£0");
    await cell(reviewer).fill(String((firstBefore + 100_00) / 100));
    await cell(reviewer).press("Enter");
    await second(reviewer).fill(String((secondBefore + 200_00) / 100));
    await second(reviewer).press("Tab");
    await expect.poll(() => note(editor).textContent()).toBe("Open proposals would change this by +£300");
    // A text cell: typed into, proposed on leaving it, and the cell shows the accepted words again.
    const organisation = (page: Page) => budget(page).getByLabel("Organisation, row 3").first();
    const name = await organisation(reviewer).inputValue();
    await organisation(reviewer).fill(`${name} (probation)`);
    await organisation(reviewer).press("Tab");
    expect(await organisation(reviewer).inputValue()).toBe(name);
    const named = organisation(editor).locator("xpath=ancestor::td").locator(".cell-proposal");
    await expect.poll(() => named.count()).toBe(1);
    expect(await named.locator("del").textContent()).toBe(`Was: ${name}`);
    expect(await named.locator("ins").textContent()).toBe(`Proposed: ${name} (probation)`);

    // The PDF can list them in an appendix.
    await editor.getByLabel("with open suggestions").check();
    const exported = editor.waitForResponse((response) => /\/export\.pdf\?suggestions=1$/.test(response.url()));
    await editor.getByRole("button", { name: "Export PDF" }).click();
    expect((await exported).status()).toBe(200);
    expect(await violations(editor, "#section-shadow-budget")).toEqual([]);
    expect(await violations(editor, ".suggestion-list")).toEqual([]);
    const acceptAll = editor.getByRole("button", { name: "Accept all in Shadow budget for the place" });
    await acceptAll.focus();
    await editor.screenshot({ path: screenshotPath("cell-proposals-side-list") });
    await editor.keyboard.press("Enter");
    // Asked first, with how many; the dialog's first button accepts them.
    const asked = editor.getByRole("dialog");
    await expect.poll(() => asked.isVisible()).toBe(true);
    expect(await asked.getByRole("heading").textContent()).toBe(
      "Accept all 3 suggestions in Shadow budget for the place?",
    );
    await asked.getByRole("button", { name: "Accept all 3" }).focus();
    await editor.keyboard.press("Enter");

    await expect.poll(() => editor.locator(".suggestion-list__done").textContent()).toBe("3 accepted");
    const after = pounds(pence(total) + 300_00);
    await expect.poll(() => grandTotal(editor)).toBe(after);
    await expect.poll(() => grandTotal(reviewer)).toBe(after);
    await expect.poll(() => budget(reviewer).locator(".cell-proposal").count()).toBe(0);
    await expect.poll(() => organisation(reviewer).inputValue()).toBe(`${name} (probation)`);
    await reviewer.context().close();
    await editor.context().close();
  });

  it("decides one at a time by keyboard: the cell named as its column, what was done said, focus kept in the list", async () => {
    const reviewer = await signedInPage(running.browser, running.server.url, "reviewer@dwp.example");
    await openDemoPlan(reviewer);
    const editor = await signedInPage(running.browser, running.server.url, "editor@swindon.example");
    await editor.goto(reviewer.url());
    await planReady(editor);
    const notes = budget(reviewer).getByLabel("Notes, row 4").first();
    await notes.fill("Pooled from April");
    await notes.press("Tab");
    const amount = budget(reviewer).getByLabel("2014-15 amount, row 4").first();
    await amount.fill("1900000");
    await amount.press("Enter");

    const list = editor.locator(".suggestion-list");
    const item = (words: string) => list.locator(".suggestion-list__item").filter({ hasText: words });
    await expect.poll(() => item("Pooled from April").count()).toBe(1);
    await expect.poll(() => item("2014-15 amount").count()).toBe(1);
    // Named as the table's column heading reads, not as the field is stored.
    expect(await item("Pooled from April").locator(".suggestion-list__words").first().textContent()).toMatch(
      /^Funding lines, row 4 \(“[^”]+”\), Notes: Was: empty Proposed: Pooled from April$/,
    );
    const focusedInList = () =>
      editor.evaluate(() => {
        const active = document.activeElement;
        return active?.closest(".suggestion-list") ? (active.textContent ?? "") : `outside: ${active?.tagName}`;
      });

    await item("Pooled from April")
      .getByRole("button", { name: /^Accept Priya Nair's suggestion: / })
      .focus();
    await editor.keyboard.press("Enter");
    await expect
      .poll(() => list.locator(".suggestion-list__done").textContent())
      .toBe("Accepted Priya Nair's suggestion");
    await expect.poll(() => item("Pooled from April").count()).toBe(0);
    // The pressed button went with its item; focus moves to the item that took its place.
    await expect.poll(focusedInList).toMatch(/^Show Priya Nair's suggestion: Funding lines, row 4 .* in the plan$/);
    expect(
      await item("2014-15 amount")
        .locator("button")
        .first()
        .evaluate((button) => button === document.activeElement),
    ).toBe(true);

    await editor.keyboard.press("Tab");
    await editor.keyboard.press("Tab");
    expect(await focusedInList()).toMatch(/^Reject Priya Nair's suggestion: Funding lines, row 4 /);
    await editor.keyboard.press("Enter");
    await editor.keyboard.type("Not agreed for 2014-15");
    await editor.keyboard.press("Tab");
    await editor.keyboard.press("Enter");
    await expect
      .poll(() => list.locator(".suggestion-list__done").textContent())
      .toBe("Rejected Priya Nair's suggestion");
    await expect.poll(() => item("2014-15 amount").count()).toBe(0);
    await expect.poll(focusedInList).toMatch(/^Suggestions/);
    await editor.screenshot({ path: screenshotPath("cell-proposals-decided-one") });
    await reviewer.context().close();
    await editor.context().close();
  });
});
