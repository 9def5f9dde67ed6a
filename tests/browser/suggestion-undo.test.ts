import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  editorText,
  openDemoPlan,
  planReady,
  selectWords,
  signedInPage,
  useServerAndBrowser,
} from "../support/browser";
import { recordingCloses, socketCloses } from "../support/page-checks";

const running = useServerAndBrowser();
const KEY = "customer-insight";

const narrative = (page: Page) => page.locator(`.rich-text[data-section="${KEY}"]`);
/** The words of the suggestions marked `tag`, without the remote carets' name labels. */
const marked = (page: Page, tag: "ins" | "del") =>
  narrative(page)
    .locator(`${tag}.suggestion`)
    .evaluateAll((elements) =>
      elements.map((element) => {
        const clone = element.cloneNode(true) as HTMLElement;
        clone.querySelectorAll(".collaboration-carets__caret").forEach((caret) => caret.remove());
        return clone.textContent ?? "";
      }),
    );
const inserted = (page: Page) => marked(page, "ins");
const deleted = (page: Page) => marked(page, "del");

describe("a reviewer's undo", () => {
  it("takes back and puts again their own suggestion, and does nothing once it has been accepted", async () => {
    const reviewer = await signedInPage(running.browser, running.server.url, "reviewer@dwp.example");
    await recordingCloses(reviewer);
    await reviewer.reload();
    await openDemoPlan(reviewer);
    const editor = await signedInPage(running.browser, running.server.url, "editor@swindon.example");
    await editor.goto(reviewer.url());
    await planReady(editor);

    await selectWords(reviewer, KEY, "twelve");
    await reviewer.keyboard.type("fourteen");
    await expect.poll(() => inserted(editor)).toEqual(["fourteen"]);
    expect(await deleted(editor)).toEqual(["twelve"]);

    await reviewer.keyboard.press("Control+z");
    await expect.poll(() => inserted(editor)).toEqual([]);
    await expect.poll(() => deleted(editor)).toEqual([]);
    await reviewer.keyboard.press("Control+Shift+z");
    await expect.poll(() => inserted(editor)).toEqual(["fourteen"]);
    await expect.poll(() => deleted(editor)).toEqual(["twelve"]);

    // The editor accepts it: "fourteen" is now the plan's word, not the reviewer's to take back.
    await editor.getByRole("button", { name: "Accept Priya Nair's suggestion" }).click();
    await expect.poll(() => inserted(reviewer)).toEqual([]);
    await reviewer.keyboard.press("Control+z");
    // A suggestion typed after it arrives only once what the undo sent (if anything) has.
    await reviewer.keyboard.type(" or so");
    await expect.poll(() => inserted(editor)).toEqual([" or so"]);
    const words = await editorText(editor, KEY);
    expect(words).toContain("fourteen");
    expect(words).not.toContain("twelve");
    expect(await socketCloses(reviewer)).toEqual([]);
    await reviewer.context().close();
    await editor.context().close();
  });
});
