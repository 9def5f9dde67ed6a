import { describe, expect, it } from "vitest";
import {
  openDemoPlan,
  planReady,
  screenshotPath,
  selectWords,
  signedInPage,
  useServerAndBrowser,
} from "../support/browser";

const running = useServerAndBrowser();
const PHRASE = "twelve visioning sessions";

/** Selects words in a section's editor as a reader would by dragging over them. */

describe("commenting in the browser", () => {
  it("a reviewer comments on selected words; the editor's page shows the highlight and the thread live", async () => {
    const reviewer = await signedInPage(running.browser, running.server.url, "reviewer@dwp.example");
    await openDemoPlan(reviewer);
    const editor = await signedInPage(running.browser, running.server.url, "editor@swindon.example");
    await editor.goto(reviewer.url());
    await planReady(editor);

    await selectWords(reviewer, "customer-insight", PHRASE);
    const bubble = reviewer.locator(".bubble-menu").getByRole("button", { name: "Comment" });
    await bubble.waitFor();
    await reviewer.screenshot({ path: screenshotPath("comment-bubble") });
    await bubble.click();
    const composer = reviewer.getByTestId("comment-composer");
    expect(await composer.textContent()).toContain(PHRASE);
    await composer.getByLabel("Comment").fill("Who came to these?\nPlease name the wards. <b>not bold</b> @Tom Okafor");
    await composer.getByRole("button", { name: "Comment" }).click();
    await composer.waitFor({ state: "detached" });

    const highlight = editor.locator('.rich-text[data-section="customer-insight"] .comment-highlight');
    await highlight.first().waitFor({ timeout: 2000 });
    expect((await highlight.allTextContents()).join("")).toBe(PHRASE);
    const thread = editor.getByTestId("comment-thread");
    await thread.waitFor({ timeout: 2000 });
    expect(await thread.textContent()).toContain("Priya Nair");
    expect(await thread.locator(".comment__body").first().innerText()).toBe(
      "Who came to these?\nPlease name the wards. <b>not bold</b> @Tom Okafor",
    );
    expect(await thread.locator(".comment__body b").count()).toBe(0);
    expect(await thread.locator(".mention").textContent()).toBe("@Tom Okafor");
    expect(
      await editor.locator('[data-testid="open-thread-count"][data-section="customer-insight"]').textContent(),
    ).toContain("1");

    await highlight.first().click();
    await editor.locator(".thread--active").waitFor();
    await thread.getByLabel("Reply").fill("All fourteen wards.");
    await thread.getByRole("button", { name: "Reply" }).click();
    await reviewer.getByTestId("comment-thread").getByText("All fourteen wards.").waitFor({ timeout: 2000 });
    await editor.screenshot({ path: screenshotPath("comment-thread-editor") });

    await thread.getByRole("button", { name: "Resolve" }).click();
    await reviewer.getByRole("button", { name: "Resolved (1)" }).waitFor({ timeout: 2000 });
    expect(await reviewer.locator('.rich-text[data-section="customer-insight"] .comment-highlight').count()).toBe(0);
    await reviewer.getByRole("button", { name: "Resolved (1)" }).click();
    await reviewer.getByTestId("comment-thread").getByRole("button", { name: "Reopen" }).click();
    await reviewer.getByRole("button", { name: "Open (1)" }).waitFor({ timeout: 2000 });
  });

  it("a thread whose words are deleted stays, marked text removed, with its quote", async () => {
    const editor = await signedInPage(running.browser, running.server.url, "editor@swindon.example");
    await openDemoPlan(editor);
    await selectWords(editor, "governance", "Swindon");
    await editor.locator("#section-governance").getByRole("button", { name: "Comment on" }).click();
    await editor.getByTestId("comment-composer").getByLabel("Comment").fill("Which board?");
    await editor.getByTestId("comment-composer").getByRole("button", { name: "Comment" }).click();
    const thread = editor.locator('[data-testid="comment-thread"][data-section="governance"]');
    await thread.waitFor();
    expect(await thread.locator(".thread__quote").textContent()).toBe("“Swindon”");

    await editor.locator('.rich-text[data-section="governance"]').focus();
    await selectWords(editor, "governance", "Swindon");
    await editor.keyboard.press("Backspace");
    await thread.getByText("Text removed").waitFor({ timeout: 2000 });
    expect(await thread.locator("del").textContent()).toBe("Swindon");
    await editor.screenshot({ path: screenshotPath("comment-text-removed") });
  });

  it("a viewer sees comments but has no way to comment", async () => {
    const viewer = await signedInPage(running.browser, running.server.url, "viewer@police.example");
    await openDemoPlan(viewer);
    expect(await viewer.getByRole("button", { name: /^Comment/ }).count()).toBe(0);
    expect(await viewer.getByTestId("comment-thread").count()).toBeGreaterThan(0);
  });
});
