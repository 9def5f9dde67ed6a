import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  openDemoPlan,
  planReady,
  screenshotPath,
  selectWords,
  signedInPage,
  useServerAndBrowser,
} from "../support/browser";
import { recordingCloses, socketCloses, violations } from "../support/page-checks";

const running = useServerAndBrowser();
const KEY = "customer-insight";

async function storedText(page: Page): Promise<string> {
  const planId = new URL(page.url()).pathname.split("/").at(-1);
  const response = await page.request.get(`${running.server.url}/api/plans/${planId}`);
  const body = (await response.json()) as { sections: { key: string; text: string }[] };
  return body.sections.find((section) => section.key === KEY)!.text;
}

function narrative(page: Page) {
  return page.locator(`.rich-text[data-section="${KEY}"]`);
}

describe("a reviewer's changes are suggestions", () => {
  it("a reviewer's first words in an empty narrative are a suggestion, not a refused edit", async () => {
    const reviewer = await signedInPage(running.browser, running.server.url, "reviewer@dwp.example");
    await recordingCloses(reviewer);
    await reviewer.reload();
    await openDemoPlan(reviewer);
    const planId = new URL(reviewer.url()).pathname.split("/").at(-1);
    const plan = (await (await reviewer.request.get(`${running.server.url}/api/plans/${planId}`)).json()) as {
      sections: { key: string; kind: string; text: string }[];
    };
    const key = plan.sections.find((section) => section.kind === "text" && section.text.trim() === "")!.key;
    const empty = reviewer.locator(`.rich-text[data-section="${key}"]`);
    await empty.click();
    await reviewer.keyboard.type("Fourteen families");
    await expect.poll(() => empty.locator("ins.suggestion").allTextContents()).toEqual(["Fourteen families"]);
    const suggested = async () => {
      const response = await reviewer.request.get(`${running.server.url}/api/plans/${planId}/suggestions`);
      return (
        (await response.json()) as { id: string; sectionKey: string; status: string; added: string | null }[]
      ).filter((suggestion) => suggestion.sectionKey === key && suggestion.status === "open");
    };
    await expect
      .poll(async () => (await suggested()).map((suggestion) => suggestion.added))
      .toEqual(["Fourteen families"]);
    // It used to close the connection (4400, "an edit that is not a suggestion") and lose the words.
    expect(await socketCloses(reviewer)).toEqual([]);
    // The other tests count the plan's open suggestions.
    const [mine] = await suggested();
    const withdrawn = await reviewer.request.post(
      `${running.server.url}/api/plans/${planId}/suggestions/${mine!.id}/withdraw`,
    );
    expect(withdrawn.status()).toBe(200);
    await expect.poll(async () => (await suggested()).length).toBe(0);
  });

  it("typing, deleting and pasting become suggestions the editor sees live, and the text is unchanged", async () => {
    const reviewer = await signedInPage(running.browser, running.server.url, "reviewer@dwp.example");
    await recordingCloses(reviewer);
    await reviewer.reload();
    await openDemoPlan(reviewer);
    const editor = await signedInPage(running.browser, running.server.url, "editor@swindon.example", {
      bypassCSP: true,
    });
    await editor.goto(reviewer.url());
    await planReady(editor);
    const textBefore = await storedText(editor);

    expect(await narrative(reviewer).getAttribute("contenteditable")).toBe("true");
    // Replace "twelve" with "fourteen": a deletion and an insertion.
    await selectWords(reviewer, KEY, "twelve");
    await reviewer.keyboard.type("fourteen");
    // Backspace through one's own suggested words takes them out again.
    await reviewer.keyboard.type("xx");
    await reviewer.keyboard.press("Backspace");
    await reviewer.keyboard.press("Backspace");
    // Enter would split the paragraph, which a suggestion cannot yet: nothing is sent.
    await reviewer.keyboard.press("Enter");
    // Delete a word.
    await selectWords(reviewer, KEY, "fragmented");
    await reviewer.keyboard.press("Delete");
    // Paste after "residents".
    await selectWords(reviewer, KEY, "residents");
    await reviewer.keyboard.press("ArrowRight");
    await narrative(reviewer).evaluate((element) => {
      const data = new DataTransfer();
      data.setData("text/plain", " and carers");
      element.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
    });

    const inserted = narrative(editor).locator("ins.suggestion");
    await expect.poll(() => inserted.allTextContents()).toEqual(["fourteen", " and carers"]);
    await expect
      .poll(() => narrative(editor).locator("del.suggestion").allTextContents())
      .toEqual(["twelve", "fragmented"]);
    expect(await narrative(editor).locator("p").count()).toBe(await narrative(reviewer).locator("p").count());
    const title = await inserted.first().locator("xpath=.//*[@title]").first().getAttribute("title");
    expect(title).toMatch(/^Suggested insertion by Priya Nair, \d+ \w+ \d{4}, \d\d:\d\d UTC$/);
    expect(await inserted.first().evaluate((element) => getComputedStyle(element).textDecorationLine)).toBe(
      "underline",
    );

    // Nothing the reviewer sent was refused, and the plan's text is the accepted text only.
    expect(await socketCloses(reviewer)).toEqual([]);
    expect(await reviewer.locator('[data-testid="connection-status"]').getAttribute("data-synced")).toBe("true");
    await expect.poll(() => storedText(editor)).toBe(textBefore);

    // The first paint (the server's reading copy) draws them the same way, with the author's name.
    const html = await (await editor.request.get(editor.url())).text();
    expect(html).toMatch(
      /<ins[^>]*class="suggestion"[^>]*title="Suggested insertion by Priya Nair[^"]*"[^>]*>fourteen<\/ins>/,
    );
    expect(html).toMatch(/<del[^>]*title="Suggested deletion by Priya Nair[^"]*"[^>]*>fragmented<\/del>/);

    await narrative(editor).scrollIntoViewIfNeeded();
    await editor.screenshot({ path: screenshotPath("suggestions-inline-1366") });

    // The side list: each open suggestion with its author and words, live.
    const list = editor.locator(".suggestion-list");
    const item = (words: string) => list.locator(".suggestion-list__item", { hasText: words });
    await expect.poll(() => list.locator(".suggestion-list__item").count()).toBe(3);
    expect(await item("fourteen").textContent()).toMatch(/Priya Nair.*Remove: twelve.*Add: fourteen/);
    expect(await violations(editor, ".suggestion-list")).toEqual([]);
    for (const width of [1366, 768, 390]) {
      await editor.setViewportSize({ width, height: 900 });
      if (width < 1100) {
        await editor.locator(".sidebar-toggle").click();
        await list.scrollIntoViewIfNeeded();
      }
      await editor.screenshot({ path: screenshotPath(`suggestion-list-${width}`) });
      if (width < 1100) await editor.locator(".sidebar__close").click();
    }
    await editor.setViewportSize({ width: 1400, height: 900 });

    // Next moves to a suggestion in the page and selects it.
    await list.getByRole("button", { name: "Next suggestion" }).click();
    await expect.poll(() => editor.evaluate(() => window.getSelection()?.toString() ?? "")).not.toBe("");

    // The keyboard alone: accept the replacement.
    await item("fourteen")
      .getByRole("button", { name: /^Accept/ })
      .focus();
    await editor.keyboard.press("Enter");
    await expect.poll(() => storedText(editor)).toContain("held fourteen visioning");
    await expect.poll(() => narrative(reviewer).locator("ins.suggestion", { hasText: "fourteen" }).count()).toBe(0);
    expect(await narrative(reviewer).textContent()).toContain("held fourteen visioning");

    // Reject one with a reason.
    await item("fragmented")
      .getByRole("button", { name: /^Reject/ })
      .click();
    await item("fragmented").getByLabel("Reason (optional)").fill("The word is theirs: keep it.");
    await item("fragmented").getByRole("button", { name: "Reject suggestion" }).click();
    await expect.poll(() => narrative(reviewer).locator("del.suggestion").count()).toBe(0);
    expect(await narrative(reviewer).textContent()).toContain("feel fragmented:");

    // The author withdraws their own; the editor's list follows.
    const mine = reviewer.locator(".suggestion-list__item", { hasText: "and carers" });
    await mine.getByRole("button", { name: /^Withdraw/ }).click();
    await expect.poll(() => list.locator(".suggestion-list__item").count()).toBe(0);
    expect(await storedText(editor)).not.toContain("carers");
    expect(await socketCloses(reviewer)).toEqual([]);
  });
});

describe("a reviewer's formatting is a suggestion", () => {
  it("Ctrl+B on a word: the editor sees it with its author, the content is unchanged until accepted, then both pages show it bold", async () => {
    const reviewer = await signedInPage(running.browser, running.server.url, "reviewer@dwp.example");
    await recordingCloses(reviewer);
    await reviewer.reload();
    await openDemoPlan(reviewer);
    const editor = await signedInPage(running.browser, running.server.url, "editor@swindon.example");
    await editor.goto(reviewer.url());
    await planReady(editor);
    const planId = new URL(editor.url()).pathname.split("/").at(-1);
    const section = async () => {
      const response = await editor.request.get(`${running.server.url}/api/plans/${planId}`);
      const body = (await response.json()) as { sections: { key: string; text: string; contentHash: string }[] };
      return body.sections.find((candidate) => candidate.key === KEY)!;
    };
    const before = await section();

    await selectWords(reviewer, KEY, "assessment");
    await reviewer.keyboard.press("Control+B");
    // Their undo takes the whole suggestion back, and redo puts it again.
    const struck = narrative(reviewer).locator("del.suggestion");
    await expect.poll(() => struck.allTextContents()).toEqual(["assessment"]);
    await reviewer.keyboard.press("Control+Z");
    await expect.poll(() => narrative(reviewer).locator("[data-suggestion-id]").count()).toBe(0);
    await reviewer.keyboard.press("Control+Shift+Z");
    await expect.poll(() => struck.allTextContents()).toEqual(["assessment"]);
    // With nothing selected, Ctrl+I sets italic for the words typed next, which are a suggestion too.
    await selectWords(reviewer, KEY, "staff");
    await reviewer.keyboard.press("ArrowRight");
    await reviewer.keyboard.press("Control+I");
    await reviewer.keyboard.type(" too");

    const copy = narrative(editor).locator("strong ins.suggestion", { hasText: "assessment" });
    await expect.poll(() => copy.count()).toBe(1);
    await expect.poll(() => narrative(editor).locator("del.suggestion").allTextContents()).toEqual(["assessment"]);
    expect(await narrative(editor).locator("del.suggestion strong").count()).toBe(0);
    expect(await copy.locator("xpath=.//*[@title]").first().getAttribute("title")).toMatch(
      /^Suggested insertion by Priya Nair, /,
    );
    await expect.poll(() => narrative(editor).locator("em ins.suggestion").allTextContents()).toEqual([" too"]);

    const list = editor.locator(".suggestion-list");
    const item = list.locator(".suggestion-list__item", { hasText: "Reformat: assessment" });
    await expect.poll(() => item.count()).toBe(1);
    expect(await item.textContent()).toContain("Priya Nair");
    // Pending: the plan's text and its sign-off hash are as they were.
    expect(await section()).toEqual(before);
    expect(await reviewer.evaluate(() => (window as unknown as { socketCloses: number[] }).socketCloses)).toEqual([]);

    // A change that cannot be a suggestion says so, politely, instead of doing nothing.
    await reviewer.keyboard.press("Enter");
    const notice = reviewer.locator(`#section-${KEY} [data-testid="cannot-suggest"]`);
    await expect.poll(() => notice.textContent()).toMatch(/^While suggesting, .* add a comment instead\./);
    expect(await notice.getAttribute("role")).toBe("status");

    await narrative(editor).scrollIntoViewIfNeeded();
    for (const width of [1366, 390]) {
      await editor.setViewportSize({ width, height: 900 });
      await narrative(editor).locator("del.suggestion").scrollIntoViewIfNeeded();
      await editor.screenshot({ path: screenshotPath(`suggestion-format-${width}`) });
    }
    await reviewer.setViewportSize({ width: 390, height: 844 });
    await notice.scrollIntoViewIfNeeded();
    await reviewer.screenshot({ path: screenshotPath("suggestion-cannot-390") });
    await reviewer.setViewportSize({ width: 1400, height: 900 });
    await editor.setViewportSize({ width: 1400, height: 900 });

    await item.getByRole("button", { name: /^Accept/ }).click();
    for (const page of [editor, reviewer]) {
      await expect.poll(() => narrative(page).locator("strong", { hasText: "assessment" }).count()).toBe(1);
      await expect
        .poll(() => narrative(page).locator("[data-suggestion-id]", { hasText: "assessment" }).count())
        .toBe(0);
    }
    expect(await narrative(reviewer).textContent()).toContain("its own assessment.");
    const accepted = await section();
    expect(accepted.text).toBe(before.text);
    expect(accepted.contentHash).not.toBe(before.contentHash);

    // The other tests count the plan's open suggestions.
    await reviewer
      .locator(".suggestion-list__item", { hasText: "too" })
      .getByRole("button", { name: /^Withdraw/ })
      .click();
    await expect.poll(() => list.locator(".suggestion-list__item").count()).toBe(0);
    expect(await reviewer.evaluate(() => (window as unknown as { socketCloses: number[] }).socketCloses)).toEqual([]);
    await Promise.all([reviewer.context().close(), editor.context().close()]);
  });
});

describe("the Suggesting switch", () => {
  it("is off for an editor until they turn it on, by the toolbar or its shortcut, and is in the shortcuts list", async () => {
    const editor = await signedInPage(running.browser, running.server.url, "owner@swindon.example");
    await openDemoPlan(editor);
    const section = editor.locator(`#section-${KEY}`);
    const toggle = section.getByRole("switch", { name: "Suggesting" });
    expect(await toggle.getAttribute("aria-checked")).toBe("false");

    // Off: typing is an edit.
    await narrative(editor).click();
    await editor.keyboard.press("Control+Home");
    await editor.keyboard.type("Edited. ");
    await expect.poll(() => narrative(editor).textContent()).toContain("Edited. Between");
    expect(await narrative(editor).locator("ins.suggestion", { hasText: "Edited" }).count()).toBe(0);

    // On by the shortcut: typing is a suggestion by this person.
    await editor.keyboard.press("Control+Alt+Shift+KeyX");
    await expect.poll(() => toggle.getAttribute("aria-checked")).toBe("true");
    await editor.keyboard.type("Suggested. ");
    const suggested = narrative(editor).locator("ins.suggestion", { hasText: "Suggested." });
    await expect.poll(() => suggested.allTextContents()).toEqual(["Suggested. "]);
    expect(await suggested.locator("[title]").getAttribute("title")).toMatch(/^Suggested insertion by Alison Reed, /);
    // The toolbar's Bold on their own suggested words formats them in place.
    await selectWords(editor, KEY, "Suggested.");
    await section.getByRole("button", { name: /^Bold/ }).click();
    await expect
      .poll(() => narrative(editor).locator("strong ins.suggestion").allTextContents())
      .toEqual(["Suggested."]);
    await editor.keyboard.press("End");
    await section.locator(".writing-toolbar").screenshot({ path: screenshotPath("suggesting-switch-on") });

    // Off by the button.
    await toggle.click();
    expect(await toggle.getAttribute("aria-checked")).toBe("false");
    await editor.keyboard.type("Again. ");
    await expect.poll(() => narrative(editor).textContent()).toContain("Again. ");
    expect(await narrative(editor).locator("ins.suggestion", { hasText: "Again" }).count()).toBe(0);

    await editor.getByRole("button", { name: "Keyboard shortcuts" }).click();
    expect(await editor.locator("dialog.shortcuts").textContent()).toContain("Suggesting on / off");
  });

  it("at 390 px stays on one line with undo and redo, in the served toolbar and in the editor's", async () => {
    const editor = await signedInPage(running.browser, running.server.url, "owner@swindon.example", {
      viewport: { width: 390, height: 844 },
    });
    // Opened without planReady's pointer moves, so the served toolbar is still there to measure.
    await Promise.all([
      editor.waitForURL(/\/plans\/[\w-]+$/),
      editor.getByRole("link", { name: /Swindon: a single budget/ }).click(),
    ]);
    const section = editor.locator(`#section-${KEY}`);
    /** Where each of the toolbar's last three buttons (undo, redo, the switch) stands in it: [left, top]. */
    const tops = (toolbar: string) =>
      section
        .locator(toolbar)
        .first()
        .evaluate((bar) => {
          const box = bar.getBoundingClientRect();
          return [...bar.querySelectorAll("button")].slice(-3).map((button) => {
            const at = button.getBoundingClientRect();
            return [Math.round(at.left - box.left), Math.round(at.top - box.top)];
          });
        });
    const sameLine = (places: number[][]) => places.length === 3 && new Set(places.map(([, top]) => top)).size === 1;
    const served = await tops(".writing-toolbar--stand-in");
    expect(sameLine(served), `undo, redo, switch: ${JSON.stringify(served)}`).toBe(true);
    await planReady(editor);
    const live = await tops('[role="toolbar"]');
    expect(sameLine(live), `undo, redo, switch: ${JSON.stringify(live)}`).toBe(true);
    // Drawn as served: the words below do not move when the editor takes over.
    expect(live).toEqual(served);
    await section.screenshot({ path: screenshotPath("suggesting-toolbar-390") });
    await editor.context().close();
  });
});
