import { describe, expect, it } from "vitest";
import { openDemoPlan, screenshotPath, selectWords, signedInPage, useServerAndBrowser } from "../support/browser";

const running = useServerAndBrowser();

describe("writing a narrative", () => {
  it("the toolbar formats the selection, names each shortcut, and its Undo takes back only this person's change", async () => {
    const page = await signedInPage(running.browser, running.server.url, "editor@swindon.example");
    await openDemoPlan(page);
    const editor = page.locator('.rich-text[data-section="customer-insight"]');
    const toolbar = page.getByRole("toolbar", { name: /^Formatting: Customer insight/ });
    await editor.focus();
    await selectWords(page, "customer-insight", "twelve visioning sessions");
    await toolbar.getByRole("button", { name: "Bold (Ctrl+B)" }).click();
    expect(await editor.locator("strong").textContent()).toBe("twelve visioning sessions");
    expect(await toolbar.getByRole("button", { name: "Bold (Ctrl+B)" }).getAttribute("aria-pressed")).toBe("true");
    await toolbar.getByRole("button", { name: "Heading (Ctrl+Alt+2)" }).click();
    expect(await editor.locator("h2").count()).toBe(1);
    await toolbar.getByRole("button", { name: "Bulleted list (Ctrl+Shift+8)" }).click();
    expect(await editor.locator("ul").count()).toBe(1);
    await page.screenshot({ path: screenshotPath("writing-toolbar") });
    await toolbar.getByRole("button", { name: "Undo (Ctrl+Z)" }).click();
    await toolbar.getByRole("button", { name: "Undo (Ctrl+Z)" }).click();
    await toolbar.getByRole("button", { name: "Undo (Ctrl+Z)" }).click();
    expect(await editor.locator("strong, h2, ul").count()).toBe(0);
    await toolbar.getByRole("button", { name: "Redo (Ctrl+Shift+Z)" }).click();
    expect(await editor.locator("strong").count()).toBe(1);
    expect(await page.getByRole("toolbar").count()).toBeGreaterThan(10);
    await editor.press("ControlOrMeta+End");
    await toolbar.getByRole("button", { name: "Table (Ctrl+Alt+T)" }).click();
    expect(await editor.locator("table tr").count()).toBe(3);
    await page.keyboard.type("Ward");
    expect(await editor.locator("table th").first().textContent()).toBe("Ward");

    const reviewer = await signedInPage(running.browser, running.server.url, "reviewer@dwp.example");
    await openDemoPlan(reviewer);
    expect(await reviewer.getByRole("toolbar").count()).toBe(0);
  });

  it("Shift+Arrow pressed faster than the page reports the selection, then Ctrl+B, bolds every character selected", async () => {
    const page = await signedInPage(running.browser, running.server.url, "editor@swindon.example");
    await openDemoPlan(page);
    const cdp = await page.context().newCDPSession(page);
    // Sent in one burst, without waiting for each to be handled, as a fast typist's keys arrive.
    const key = (type: "rawKeyDown" | "keyUp", key: string, code: string, keyCode: number, modifiers: number) =>
      cdp.send("Input.dispatchKeyEvent", { type, key, code, windowsVirtualKeyCode: keyCode, modifiers });
    for (const sectionKey of ["customer-insight", "governance", "service-redesign"]) {
      const editor = page.locator(`.rich-text[data-section="${sectionKey}"]`);
      await editor.focus();
      await editor.press("ControlOrMeta+End");
      await page.keyboard.press("Enter");
      await page.keyboard.type("abcdefghij");
      const last = editor.locator("p").last();
      await expect.poll(() => last.textContent()).toBe("abcdefghij");
      expect(await last.locator("strong").count()).toBe(0);
      const SHIFT = 8;
      const CONTROL = 2;
      await Promise.all([
        key("rawKeyDown", "Shift", "ShiftLeft", 16, SHIFT),
        ...Array.from({ length: 10 }, () => [
          key("rawKeyDown", "ArrowLeft", "ArrowLeft", 37, SHIFT),
          key("keyUp", "ArrowLeft", "ArrowLeft", 37, SHIFT),
        ]).flat(),
        key("keyUp", "Shift", "ShiftLeft", 16, 0),
        key("rawKeyDown", "Control", "ControlLeft", 17, CONTROL),
        key("rawKeyDown", "b", "KeyB", 66, CONTROL),
        key("keyUp", "b", "KeyB", 66, CONTROL),
        key("keyUp", "Control", "ControlLeft", 17, 0),
      ]);
      await expect.poll(() => last.locator("strong").allTextContents(), { timeout: 2000 }).toEqual(["abcdefghij"]);
      expect(await page.evaluate(() => String(getSelection()))).toBe("abcdefghij");
    }
  });

  it("a table in a narrative has a menu to add and remove rows and columns, toggle its header row and delete it", async () => {
    const page = await signedInPage(running.browser, running.server.url, "editor@swindon.example");
    await openDemoPlan(page);
    const editor = page.locator('.rich-text[data-section="governance"]');
    await editor.focus();
    await editor.press("ControlOrMeta+End");
    await editor.press("ControlOrMeta+Alt+t");
    const menu = page.getByRole("toolbar", { name: /^Table: / });
    await menu.waitFor();
    const table = editor.locator("table");
    await menu.getByRole("button", { name: "Row below" }).click();
    expect(await table.locator("tr").count()).toBe(4);
    await menu.getByRole("button", { name: "Column right" }).click();
    expect(await table.locator("tr").first().locator("th, td").count()).toBe(4);
    await menu.getByRole("button", { name: "Delete column" }).click();
    await menu.getByRole("button", { name: "Delete column" }).click();
    expect(await table.locator("tr").first().locator("th, td").count()).toBe(2);
    expect(await menu.getByRole("button", { name: "Header row" }).getAttribute("aria-pressed")).toBe("true");
    await menu.getByRole("button", { name: "Header row" }).click();
    expect(await table.locator("th").count()).toBe(0);
    await menu.getByRole("button", { name: "Delete row" }).click();
    expect(await table.locator("tr").count()).toBe(3);
    await page.screenshot({ path: screenshotPath("narrative-table-menu") });
    await menu.getByRole("button", { name: "Delete table" }).click();
    expect(await editor.locator("table").count()).toBe(0);
    await menu.waitFor({ state: "detached" });
  });

  it("links are added, changed and removed in the page, never in a browser prompt", async () => {
    const page = await signedInPage(running.browser, running.server.url, "editor@swindon.example");
    page.on("dialog", (dialog) => {
      throw new Error(`a browser ${dialog.type()} opened: ${dialog.message()}`);
    });
    await openDemoPlan(page);
    const editor = page.locator('.rich-text[data-section="customer-insight"]');
    await editor.focus();
    await selectWords(page, "customer-insight", "twelve visioning sessions");
    await editor.press("ControlOrMeta+k");
    const form = page.getByRole("dialog", { name: "Add a link" });
    await form.waitFor();
    expect(await form.getByLabel("Text").inputValue()).toBe("twelve visioning sessions");
    await form.getByLabel("Address").fill("not a link at all");
    await form.getByRole("button", { name: "Apply" }).click();
    await form.getByText("Give a web address").waitFor();
    await form.getByLabel("Address").fill("www.gov.uk/community-budgets");
    await page.screenshot({ path: screenshotPath("link-editor") });
    await form.getByLabel("Address").press("Enter");
    const link = editor.locator("a");
    await expect.poll(() => link.getAttribute("href")).toBe("https://www.gov.uk/community-budgets");
    expect(await link.textContent()).toBe("twelve visioning sessions");

    await link.click();
    await editor.press("ControlOrMeta+k");
    const edit = page.getByRole("dialog", { name: "Edit link" });
    await edit.getByLabel("Text").fill("twelve sessions");
    await edit.getByRole("button", { name: "Apply" }).click();
    await expect.poll(() => link.textContent()).toBe("twelve sessions");

    await link.click();
    await page
      .getByRole("toolbar", { name: /^Formatting: Customer insight/ })
      .getByRole("button", { name: /^Link/ })
      .click();
    await page.getByRole("dialog", { name: "Edit link" }).getByRole("button", { name: "Remove link" }).click();
    await expect.poll(() => editor.locator("a").count()).toBe(0);
    expect(await editor.textContent()).toContain("twelve sessions");
  });

  it("pasted headings fit the section's levels, and pasted images are said to be left out", async () => {
    const page = await signedInPage(running.browser, running.server.url, "editor@swindon.example");
    await openDemoPlan(page);
    const editor = page.locator('.rich-text[data-section="options-appraisal"]');
    await editor.focus();
    await editor.press("ControlOrMeta+End");
    await editor.evaluate((element) => {
      const data = new DataTransfer();
      data.setData(
        "text/html",
        '<h1>Pasted title</h1><p>Words <img src="chart.png" alt="chart"> here.</p><h2>Part</h2>',
      );
      data.setData("text/plain", "Pasted title\nWords here.\nPart");
      element.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
    });
    await expect.poll(() => editor.locator("h2").textContent()).toBe("Pasted title");
    expect(await editor.locator("h1").count()).toBe(0);
    expect(await editor.locator("h3").textContent()).toBe("Part");
    expect(await page.locator("h1").count()).toBe(1);
    expect(await page.getByRole("status").filter({ hasText: "The pasted image was left out" }).count()).toBe(1);
  });

  it("a Keyboard shortcuts dialog lists the shortcuts, opens with ? and returns focus when closed", async () => {
    const page = await signedInPage(running.browser, running.server.url, "editor@swindon.example");
    await openDemoPlan(page);
    const dialog = page.getByRole("dialog", { name: "Keyboard shortcuts" });
    const button = page.getByRole("button", { name: "Keyboard shortcuts" });
    await button.click();
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain("Comment on the selected words");
    expect(await dialog.textContent()).toContain("Ctrl+Alt+M");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    expect(await button.evaluate((element) => element === document.activeElement)).toBe(true);
    await page.locator("body").click({ position: { x: 5, y: 300 } });
    await page.keyboard.press("Shift+Slash");
    await dialog.waitFor();
  });
});
