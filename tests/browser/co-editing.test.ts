import { describe, expect, it } from "vitest";
import {
  editorText,
  openDemoPlan,
  planReady,
  screenshotPath,
  signedInPage,
  useServerAndBrowser,
} from "../support/browser";

const running = useServerAndBrowser();

describe("two people co-editing in two browsers", () => {
  it("each sees the other's text, named caret and presence", async () => {
    const alison = await signedInPage(running.browser, running.server.url, "owner@swindon.example");
    const tom = await signedInPage(running.browser, running.server.url, "editor@swindon.example");
    // The Content-Security-Policy must not block anything the page does (scripts, the socket).
    const violations: string[] = [];
    for (const page of [alison, tom]) {
      page.on("console", (message) => {
        if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
      });
    }
    await openDemoPlan(alison);
    await tom.goto(alison.url());
    await planReady(tom);

    const alisonEditor = alison.locator('.rich-text[data-section="reform-agenda"]');
    await alisonEditor.click();
    await alison.keyboard.type("Welfare reform is the biggest lever.");
    await expect.poll(() => editorText(tom, "reform-agenda")).toBe("Welfare reform is the biggest lever.");

    const tomEditor = tom.locator('.rich-text[data-section="reform-agenda"]');
    await tomEditor.click();
    await tom.keyboard.press("End");
    await tom.keyboard.type(" Agreed.");
    await expect.poll(() => editorText(alison, "reform-agenda")).toBe("Welfare reform is the biggest lever. Agreed.");

    const caretLabel = alison.locator('.rich-text[data-section="reform-agenda"] .collaboration-carets__label');
    await expect.poll(() => caretLabel.textContent()).toBe("Tom Okafor");
    const presence = alison.getByRole("region", { name: "People with this plan open" });
    await expect.poll(() => presence.textContent()).toContain("Tom Okafor");
    await expect.poll(() => presence.textContent()).toContain("Swindon Borough Council");

    expect(violations).toEqual([]);
    await alison.screenshot({ path: screenshotPath("co-editing-alison"), fullPage: false });
    await tom.screenshot({ path: screenshotPath("co-editing-tom"), fullPage: false });
  });

  it("a wrong password gets a clear message", async () => {
    const context = await running.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${running.server.url}/login`);
    await page.getByLabel("Email address").fill("owner@swindon.example");
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("email or password is not right");
    await context.close();
  });

  it("an unknown plan shows a 404 page", async () => {
    const page = await signedInPage(running.browser, running.server.url, "owner@swindon.example");
    const response = await page.goto(`${running.server.url}/plans/00000000-0000-0000-0000-000000000000`);
    expect(response?.status()).toBe(404);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Page not found");
  });
});
