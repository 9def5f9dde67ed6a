import { describe, expect, it } from "vitest";
import { createGeneratedPlan } from "../bench/generated-plan";
import { planReady, signedInPage, useServerAndBrowser } from "../support/browser";
import { signIn } from "../support/http";

const running = useServerAndBrowser();

/** A 60-page plan: far more text than two screens, so its far sections get their editors late. */
async function longPlan(): Promise<string> {
  const url = running.server.url;
  return createGeneratedPlan(
    {
      protocol: "y-websocket",
      wsUrl: `${url.replace(/^http/, "ws")}/collab`,
      room: "",
      httpUrl: url,
      cookie: await signIn(url, "owner@swindon.example"),
    },
    60,
    7,
  );
}

describe("a long plan", () => {
  it("jumps to a far section with its text, finds words anywhere right after opening, and ends with every section shown", async () => {
    const planId = await longPlan();
    const writer = await signedInPage(running.browser, running.server.url, "owner@swindon.example", {
      viewport: { width: 1366, height: 768 },
    });
    await writer.goto(`${running.server.url}/plans/${planId}`);
    await writer.locator('[data-testid="connection-status"][data-synced="true"]').waitFor();
    const last = writer.locator(".plan-section").last();
    await writer.getByRole("navigation", { name: "Sections" }).getByRole("link").last().click();
    const lastEditor = last.locator(".rich-text");
    await expect.poll(() => lastEditor.textContent(), { timeout: 15_000 }).toMatch(/partnership|budget|Whitehall/);
    expect(
      await last.locator(".plan-section__header h2").evaluate((heading) => {
        const top = heading.getBoundingClientRect().top;
        return top >= 0 && top < innerHeight;
      }),
    ).toBe(true);
    await lastEditor.click();
    await writer.keyboard.press("Control+End");
    await writer.keyboard.type(" Zanzibarcroft closes the plan.");

    const reader = await signedInPage(running.browser, running.server.url, "owner@swindon.example", {
      viewport: { width: 1366, height: 768 },
    });
    await reader.goto(`${running.server.url}/plans/${planId}`);
    await reader.locator('[data-testid="connection-status"][data-synced="true"]').waitFor();
    await reader.keyboard.press("/");
    await reader.getByRole("searchbox", { name: "Find in this plan" }).fill("Zanzibarcroft");
    await expect.poll(() => reader.getByTestId("find-count").textContent(), { timeout: 15_000 }).toBe("1 of 1");
    await reader.getByRole("searchbox", { name: "Find in this plan" }).press("Enter");
    await expect
      .poll(() =>
        reader
          .locator(".plan-section")
          .last()
          .locator(".plan-section__header h2")
          .evaluate((heading) => heading.getBoundingClientRect().top < innerHeight),
      )
      .toBe(true);

    await reader.locator('main.plan[data-sections-shown="all"]').waitFor({ state: "attached" });
    const sections = await reader.locator(".plan-section").count();
    expect(await reader.locator(".plan-section .ProseMirror").count()).toBe(sections);
    expect(await reader.getByTestId("section-reading").count()).toBe(0);
  });

  it("a thread opened from the sidebar takes the reader to its words, however far down they are", async () => {
    const planId = await longPlan();
    const page = await signedInPage(running.browser, running.server.url, "owner@swindon.example", {
      viewport: { width: 1366, height: 768 },
    });
    await page.goto(`${running.server.url}/plans/${planId}`);
    await planReady(page);
    const editor = page.locator(".plan-section").last().locator(".rich-text");
    await editor.click();
    await page.keyboard.press("Control+End");
    await page.keyboard.press("Enter");
    await page.keyboard.type("Quillfeather wards");
    await page.keyboard.press("Shift+Home");
    await page.locator(".bubble-menu").getByRole("button", { name: "Comment" }).click();
    const composer = page.getByTestId("comment-composer");
    await composer.getByLabel("Comment").fill("Is this still true?");
    await composer.getByRole("button", { name: "Comment" }).click();
    await composer.waitFor({ state: "detached" });

    await page.reload();
    await planReady(page);
    await page.evaluate(() => scrollTo(0, 0));
    await page.getByTestId("comment-thread").locator(".thread__where").click();
    const highlight = page.locator(".plan-section").last().locator(".comment-highlight").first();
    // A smooth scroll over tens of thousands of pixels takes a moment.
    await expect
      .poll(
        () =>
          highlight.evaluate((element) => {
            const box = element.getBoundingClientRect();
            return box.top >= 0 && box.bottom <= innerHeight;
          }),
        { timeout: 5000 },
      )
      .toBe(true);
  });
});
