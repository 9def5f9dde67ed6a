import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { editorText, planReady, signedInPage, useServerAndBrowser } from "../support/browser";
import { demoPlanId, getJson, signIn } from "../support/http";

const running = useServerAndBrowser();
const EDITOR = "editor@swindon.example";

/** The demo plan and its first narrative-only section with words in it. */
async function planAndSection(): Promise<{ planId: string; key: string; text: string }> {
  const cookie = await signIn(running.server.url, EDITOR);
  const planId = await demoPlanId(running.server.url, cookie);
  const { body } = await getJson<{ sections: { key: string; kind: string; text: string }[] }>(
    running.server.url,
    `/api/plans/${planId}`,
    cookie,
  );
  const section = body.sections.find((one) => one.kind === "text" && one.text.trim())!;
  return { planId, key: section.key, text: section.text };
}

/**
 * A plan page whose editors cannot be built until `release` is called: their code is held back,
 * so each section shows its reading copy for as long as the test needs.
 */
async function pageWithEditorsHeld(planId: string): Promise<{ page: Page; release: () => void }> {
  const page = await signedInPage(running.browser, running.server.url, EDITOR, {
    viewport: { width: 1366, height: 800 },
  });
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\/SectionEditor-\w+\.js$/, async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(`${running.server.url}/plans/${planId}`);
  await page.locator('[data-testid="connection-status"][data-synced="true"]').waitFor();
  return { page, release };
}

describe("a section before its editor is built", () => {
  it("shows what others type in it, in its reading copy, and keeps it once the editor is built", async () => {
    const { planId, key } = await planAndSection();
    const { page: reader, release } = await pageWithEditorsHeld(planId);
    const writer = await signedInPage(running.browser, running.server.url, EDITOR);
    await writer.goto(`${running.server.url}/plans/${planId}`);
    await planReady(writer);
    await writer.locator(`.rich-text[data-section="${key}"]`).click();
    await writer.keyboard.press("Control+End");
    await writer.keyboard.type(" Quoitsworth meadow reopens.");

    const readingCopy = reader.locator(`[data-section-key="${key}"] [data-testid="section-reading"]`);
    await expect.poll(() => readingCopy.innerText(), { timeout: 10_000 }).toContain("Quoitsworth meadow reopens.");
    release();
    await planReady(reader);
    expect(await editorText(reader, key)).toContain("Quoitsworth meadow reopens.");
    await reader.context().close();
    await writer.context().close();
  });

  it("a press on its words puts the caret where it was pressed once the editor takes over", async () => {
    const { planId, key, text } = await planAndSection();
    const word = text.split(/\s+/).find((one) => /^[A-Za-z]{5,}$/.test(one))!;
    const { page, release } = await pageWithEditorsHeld(planId);
    const words = page.locator(`[data-section-key="${key}"] .reading-text`);
    await words.scrollIntoViewIfNeeded();
    // Just inside the left edge of the word, in the server's reading copy.
    const point = await words.evaluate((root, target) => {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const at = (node.textContent ?? "").search(new RegExp(`\\b${target}\\b`));
        if (at < 0) continue;
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + 1);
        const box = range.getBoundingClientRect();
        return { x: box.left + 1, y: box.top + box.height / 2 };
      }
      throw new Error(`"${target}" is not in the reading copy`);
    }, word);
    await page.mouse.click(point.x, point.y);
    release();
    // The first build fetches the editors' code, TipTap's with it (decision 0044): seconds under load.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.closest<HTMLElement>(".rich-text")?.dataset.section), {
        timeout: 10_000,
      })
      .toBe(key);
    await page.keyboard.type("Zq-");
    expect(await editorText(page, key)).toContain(`Zq-${word}`);
    await page.context().close();
  });
});
