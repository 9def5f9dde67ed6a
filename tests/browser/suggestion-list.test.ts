import type { Locator, Page } from "playwright-core";
import { afterEach, describe, expect, it } from "vitest";
import {
  openDemoPlan,
  planReady,
  screenshotPath,
  selectWords,
  signedInPage,
  useServerAndBrowser,
} from "../support/browser";
import { violations } from "../support/page-checks";

/**
 * The side list of suggestions as a new user's tryout found it wanting: in the plan's order,
 * every button named apart, a reason for rejecting a cell, many decisions asked first, and on a
 * narrow screen the sheet it lives in moving aside for what it shows.
 */
const running = useServerAndBrowser();
const KEY = "customer-insight";

const budget = (page: Page) => page.locator("#section-shadow-budget");
const amount = (page: Page, row: number) => budget(page).getByLabel(`2013-14 amount, row ${row}`).first();
const list = (page: Page) => page.locator(".suggestion-list");
const items = (page: Page) => list(page).locator(".suggestion-list__item");
const item = (page: Page, words: string) => items(page).filter({ hasText: words });

/** The pages a test opened: its editor's first, to clear the plan with. */
const opened: Page[] = [];

/**
 * After each test, whether it passed or not: the open suggestions rejected (the demo plan's
 * words and amounts as they were), and the pages closed.
 */
afterEach(async () => {
  const [editor, ...others] = opened.splice(0);
  if (!editor) return;
  const planId = new URL(editor.url()).pathname.split("/").at(-1);
  for (const sectionKey of [KEY, "shadow-budget"]) {
    const answer = await editor.request.post(`${running.server.url}/api/plans/${planId}/suggestions/reject-all`, {
      data: { sectionKey },
    });
    expect(answer.status()).toBe(200);
  }
  for (const page of [editor, ...others]) await page.context().close();
});

/** A reviewer's page and an editor's on the demo plan, at `viewport`. */
async function reviewerAndEditor(viewport = { width: 1366, height: 900 }) {
  const reviewer = await signedInPage(running.browser, running.server.url, "reviewer@dwp.example", { viewport });
  await openDemoPlan(reviewer);
  const editor = await signedInPage(running.browser, running.server.url, "editor@swindon.example", {
    viewport,
    bypassCSP: true,
  });
  opened.push(editor, reviewer);
  await editor.goto(reviewer.url());
  await planReady(editor);
  return { reviewer, editor };
}

/** Proposes `pounds` more than the cell holds, as a reviewer typing it and pressing Enter. */
async function proposeMore(page: Page, row: number, pounds: number) {
  const before = Number(((await amount(page, row).inputValue()) || "0").replace(/[£,]/g, ""));
  await amount(page, row).fill(String(before + pounds));
  await amount(page, row).press("Enter");
}

/**
 * The reviewer's four, made in an order unlike the plan's: "twelve" replaced, then
 * "fragmented" deleted (after it in the text), then row 2's amount, then row 1's.
 */
async function fourSuggestions(reviewer: Page, editor: Page) {
  await selectWords(reviewer, KEY, "twelve");
  await reviewer.keyboard.type("fourteen");
  await expect.poll(() => item(editor, "fourteen").count()).toBe(1);
  await selectWords(reviewer, KEY, "fragmented");
  await reviewer.keyboard.press("Delete");
  await expect.poll(() => item(editor, "fragmented").count()).toBe(1);
  await proposeMore(reviewer, 2, 200);
  await expect.poll(() => items(editor).count()).toBe(3);
  await proposeMore(reviewer, 1, 100);
  await expect.poll(() => items(editor).count()).toBe(4);
}

/** Whether the point at the middle of `target` is `target` (or inside it): on screen and not covered. */
function seenAtItsMiddle(target: Locator): Promise<boolean> {
  return target.evaluate((element) => {
    const box = element.getBoundingClientRect();
    const x = box.left + box.width / 2;
    const y = box.top + box.height / 2;
    if (x < 0 || y < 0 || x > window.innerWidth || y > window.innerHeight) return false;
    const top = document.elementFromPoint(x, y);
    return top !== null && (element === top || element.contains(top));
  });
}

/** The texts of the author's `suggestion-decided` notices. */
async function decisionNotices(author: Page): Promise<string[]> {
  const told = await author.request.get(`${running.server.url}/api/notifications`);
  return ((await told.json()) as { type: string; text: string }[])
    .filter((notice) => notice.type === "suggestion-decided")
    .map((notice) => notice.text);
}

describe("the suggestion list", () => {
  it("is in the plan's order, names each cell by table, row and column, and no two buttons alike", async () => {
    const { reviewer, editor } = await reviewerAndEditor();
    await fourSuggestions(reviewer, editor);

    // The budget comes first in the plan: its rows in order, then the narrative's words in order.
    const texts = await items(editor).allTextContents();
    expect(texts[0]).toMatch(/Funding lines, row 1 \(“[^”]+”\), 2013-14 amount:/);
    expect(texts[1]).toMatch(/Funding lines, row 2 \(“[^”]+”\), 2013-14 amount:/);
    expect(texts[2]).toContain("fourteen");
    expect(texts[3]).toContain("fragmented");

    const names = await list(editor)
      .locator(".suggestion-list__items")
      .getByRole("button", { name: /^(Show|Accept|Reject) / })
      .evaluateAll((buttons) => buttons.map((button) => button.textContent ?? ""));
    expect(names).toHaveLength(12);
    expect(new Set(names).size).toBe(12);
    expect(names).toContain("Accept Priya Nair's suggestion: “fourteen” for “twelve”");
    expect(names).toContain("Reject Priya Nair's suggestion: remove “fragmented”");
    expect(names.filter((name) => /^Accept Priya Nair's suggestion: Funding lines, row 1 /.test(name))).toHaveLength(1);
    expect(await violations(editor, ".suggestion-list")).toEqual([]);

    for (const [width, height] of [
      [1366, 900],
      [768, 1000],
      [390, 844],
    ] as const) {
      await editor.setViewportSize({ width, height });
      if (width < 1100) await editor.locator(".sidebar-toggle").click();
      await list(editor).scrollIntoViewIfNeeded();
      await editor.screenshot({ path: screenshotPath(`suggestion-list-order-${width}`) });
      if (width < 1100) {
        expect(await violations(editor, ".suggestion-list"), `at ${width} px`).toEqual([]);
        await editor.locator(".sidebar__close").click();
      }
    }
    await editor.setViewportSize({ width: 1366, height: 900 });
  });

  it.each([
    { width: 768, height: 1000 },
    { width: 390, height: 844 },
  ])(
    "at $width px, Show and Next move the sheet aside, bring the suggestion into view and focus it",
    async (viewport) => {
      const { reviewer, editor } = await reviewerAndEditor(viewport);
      await fourSuggestions(reviewer, editor);
      const sheet = editor.locator("#plan-sidebar");
      const toggle = editor.locator(".sidebar-toggle");

      await toggle.click();
      await expect.poll(() => sheet.getAttribute("data-open")).toBe("true");
      await item(editor, "fragmented")
        .getByRole("button", { name: /^Show / })
        .click();
      await expect.poll(() => sheet.getAttribute("data-open")).toBe("false");
      const struck = editor.locator(`.rich-text[data-section="${KEY}"] del.suggestion`, { hasText: "fragmented" });
      await expect.poll(() => seenAtItsMiddle(struck)).toBe(true);
      expect(await editor.evaluate(() => window.getSelection()?.toString())).toBe("fragmented");
      expect(await editor.evaluate(() => document.activeElement?.closest(".rich-text") !== null)).toBe(true);
      await editor.screenshot({ path: screenshotPath(`suggestion-shown-${viewport.width}`) });

      // The toggle brings the list back; Next goes on to a cell's proposal, focused.
      await toggle.click();
      await expect.poll(() => sheet.getAttribute("data-open")).toBe("true");
      await list(editor).getByRole("button", { name: "Next suggestion" }).click();
      await expect.poll(() => sheet.getAttribute("data-open")).toBe("false");
      const focused = editor.locator(".cell-proposal__change:focus");
      await expect.poll(() => focused.count()).toBe(1);
      await expect.poll(() => seenAtItsMiddle(focused)).toBe(true);
      await editor.screenshot({ path: screenshotPath(`suggestion-next-${viewport.width}`) });

      await toggle.click();
      await expect.poll(() => sheet.getAttribute("data-open")).toBe("true");
    },
  );

  it("at 1366 px, Next from a fresh page goes to each suggestion in the list's order, marking the current one", async () => {
    const { reviewer, editor } = await reviewerAndEditor();
    await fourSuggestions(reviewer, editor);
    const next = list(editor).getByRole("button", { name: "Next suggestion" });
    const ids = await items(editor).evaluateAll((all) => all.map((li) => li.getAttribute("data-suggestion")));
    const marked = list(editor).locator('.suggestion-list__item[aria-current="true"]');
    /** The suggestion the page's focus or selection is in. */
    const shown = () =>
      editor.evaluate(() => {
        const proposal = document.activeElement?.closest(".cell-proposal");
        if (proposal) return proposal.getAttribute("data-suggestion");
        const node = window.getSelection()?.anchorNode;
        const element = node instanceof Element ? node : node?.parentElement;
        const mark = element?.closest("[data-suggestion-id]") ?? element?.querySelector("[data-suggestion-id]");
        return mark?.getAttribute("data-suggestion-id") ?? null;
      });

    expect(await marked.count()).toBe(0);
    for (const expected of [...ids, ids[0]]) {
      await next.focus();
      await editor.keyboard.press("Enter");
      await expect.poll(shown).toBe(expected);
      expect(await marked.count()).toBe(1);
      expect(await marked.getAttribute("data-suggestion")).toBe(expected);
    }
    // Marked for the eye too, not only for a screen reader.
    const border = (locator: Locator) => locator.evaluate((li) => getComputedStyle(li).boxShadow);
    expect(await border(marked)).not.toBe(await border(items(editor).nth(1)));
    await list(editor).scrollIntoViewIfNeeded();
    await editor.screenshot({ path: screenshotPath("suggestion-list-current-1366") });

    // Reject by keyboard: the reason box opens with the focus in it.
    const reject = item(editor, "fourteen").getByRole("button", { name: /^Reject Priya/ });
    await reject.focus();
    await editor.keyboard.press("Enter");
    expect(await reject.getAttribute("aria-expanded")).toBe("true");
    await expect
      .poll(() => editor.evaluate(() => document.activeElement?.getAttribute("id") ?? null))
      .toMatch(/^reject-/);
    await editor.keyboard.type("Too strong.");
    expect(await item(editor, "fourteen").getByLabel("Reason (optional)").inputValue()).toBe("Too strong.");

    // Show marks the one shown, and Next goes on from it.
    await items(editor)
      .nth(1)
      .getByRole("button", { name: /^Show / })
      .click();
    expect(await marked.getAttribute("data-suggestion")).toBe(ids[1]);
    await next.click();
    await expect.poll(shown).toBe(ids[2]);
    expect(await marked.getAttribute("data-suggestion")).toBe(ids[2]);
  });

  it("asks before accepting or rejecting all, with how many and which, and a rejection's reason reaches the author", async () => {
    const { reviewer, editor } = await reviewerAndEditor();
    await fourSuggestions(reviewer, editor);
    const dialog = editor.getByRole("dialog");

    await list(editor).getByRole("button", { name: "Accept all in Customer insight and visioning" }).click();
    await expect.poll(() => dialog.isVisible()).toBe(true);
    expect(await dialog.getByRole("heading").textContent()).toBe(
      "Accept all 2 suggestions in Customer insight and visioning?",
    );
    expect(await violations(editor, "dialog")).toEqual([]);
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    // Nothing was decided.
    expect(await items(editor).count()).toBe(4);

    await list(editor).getByRole("button", { name: "Reject all of Priya Nair's" }).click();
    expect(await dialog.getByRole("heading").textContent()).toBe("Reject all 4 of Priya Nair's suggestions?");
    await dialog.getByLabel("Reason (optional)").fill("Not in this round.");
    await editor.screenshot({ path: screenshotPath("suggestions-reject-all-asked") });
    await dialog.getByRole("button", { name: "Reject all 4" }).click();
    await expect.poll(() => items(editor).count()).toBe(0);
    await expect.poll(() => list(editor).locator(".suggestion-list__done").textContent()).toBe("4 rejected");
    // The buttons pressed are gone with what they decided: the keyboard stays in the list.
    await expect.poll(() => editor.evaluate(() => document.activeElement?.id ?? null)).toBe("suggestions-heading");
    const told = (await decisionNotices(reviewer)).filter((text) => text.includes("Not in this round"));
    expect(told).toHaveLength(1);
    expect(told[0]).toMatch(/rejected 4 of your suggestions .*\. Reason: Not in this round\.$/);
  });

  it("rejecting a cell's proposal in the cell takes an optional reason, which the author is told", async () => {
    const { reviewer, editor } = await reviewerAndEditor();
    await proposeMore(reviewer, 1, 100);
    const proposal = amount(editor, 1).locator("xpath=ancestor::td").locator(".cell-proposal");
    await expect.poll(() => proposal.count()).toBe(1);

    const reject = proposal.getByRole("button", { name: /^Reject Priya Nair's proposal: / });
    // By keyboard: Enter opens the reason box with the focus in it, so the reason is typed there.
    await reject.focus();
    await editor.keyboard.press("Enter");
    expect(await reject.getAttribute("aria-expanded")).toBe("true");
    await expect
      .poll(() => editor.evaluate(() => document.activeElement?.getAttribute("id") ?? null))
      .toMatch(/^reject-proposal-/);
    await editor.keyboard.type("The uplift is not agreed.");
    expect(await proposal.getByLabel("Reason (optional)").inputValue()).toBe("The uplift is not agreed.");
    expect(await violations(editor, "#section-shadow-budget")).toEqual([]);
    await proposal.scrollIntoViewIfNeeded();
    await budget(editor).screenshot({ path: screenshotPath("cell-proposal-reject-reason") });
    await proposal.getByRole("button", { name: "Reject proposal" }).click();
    await expect.poll(() => proposal.count()).toBe(0);

    const notice = (await decisionNotices(reviewer)).find((text) => text.includes("uplift"));
    expect(notice).toMatch(
      /^Tom Okafor rejected your suggestion in “Shadow budget for the place” \(.+\): Funding lines, row 1 \(“[^”]+”\), 2013-14 amount: £[\d,]+ → £[\d,]+\. Reason: The uplift is not agreed\.$/,
    );
  });
});

describe("the portfolio at 390 px", () => {
  it("shows every plan's open suggestions on the screen, each figure beside its column's name", async () => {
    const owner = await signedInPage(running.browser, running.server.url, "owner@swindon.example", {
      viewport: { width: 390, height: 844 },
      bypassCSP: true,
    });
    await owner.goto(`${running.server.url}/portfolio`);
    const row = owner.getByRole("row", { name: /Swindon: a single budget/ });
    const count = row.getByTestId("open-suggestions");
    await count.scrollIntoViewIfNeeded();
    const box = (await count.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    expect(await count.evaluate((cell) => getComputedStyle(cell, "::before").content)).toBe('"Open suggestions"');
    expect(await owner.evaluate(() => document.documentElement.scrollWidth)).toBe(390);
    expect(await violations(owner)).toEqual([]);
    await owner.screenshot({ path: screenshotPath("portfolio-390"), fullPage: true });
    await owner.context().close();
  });
});
