import { DEMO_PASSWORD } from "../../server/ops/demo-seed.server";
import { describe, expect, it } from "vitest";
import { openDemoPlan, planReady, screenshotPath, signedInPage, useServerAndBrowser } from "../support/browser";

const running = useServerAndBrowser();

describe("the portfolio page", () => {
  it("shows a sign-off made on a plan page within seconds, in the row and in its open matrix", async () => {
    const manager = await signedInPage(running.browser, running.server.url, "owner@swindon.example");
    await manager.goto(`${running.server.url}/portfolio`);
    const row = manager.locator('[data-testid="portfolio-table"] tbody tr[data-plan]').first();
    expect(await row.getByTestId("local-progress").textContent()).toMatch(/^0 \/ \d+$/);
    await row.getByRole("button", { name: /Sections of/ }).click();
    const matrix = manager.getByTestId("signoff-matrix");
    const insight = matrix.locator('tr[data-section="customer-insight"] td[data-side="local"]');
    await expect.poll(() => insight.textContent()).toBe("Not signed");

    const signatory = await signedInPage(running.browser, running.server.url, "signatory@swindon.example");
    await openDemoPlan(signatory);
    const panel = signatory.locator('[data-testid="signoff-panel"][data-section="customer-insight"]');
    await panel.getByRole("button", { name: "Sign off for the Local side" }).click();
    await signatory.getByRole("dialog").getByLabel("Your password, to confirm it is you").fill(DEMO_PASSWORD);
    await signatory.getByRole("dialog").getByRole("button", { name: "Sign off for the Local side" }).click();

    await row.locator('[data-testid="local-progress"]', { hasText: /^1 \/ \d+$/ }).waitFor({ timeout: 5000 });
    await expect.poll(() => insight.textContent(), { timeout: 5000 }).toMatch(/^Signed by Margaret Hale/);
    await manager.screenshot({ path: screenshotPath("portfolio-live"), fullPage: true });
  });
});

describe("search", () => {
  it("a result opens its section with the words highlighted in the editor", async () => {
    const page = await signedInPage(running.browser, running.server.url, "editor@swindon.example");
    await page.getByTestId("header-search").fill("visioning sessions");
    await Promise.all([page.waitForURL(/\/search\?q=/), page.getByTestId("header-search").press("Enter")]);
    const result = page.getByTestId("search-results").locator("li").first();
    expect(await result.locator("mark").allTextContents()).toEqual(["visioning", "sessions"]);
    await page.screenshot({ path: screenshotPath("search-results") });

    await Promise.all([
      page.waitForURL(/\/plans\/[\w-]+\?q=.*#section-customer-insight$/),
      result.getByRole("link").click(),
    ]);
    await planReady(page);
    await expect.poll(() => page.getByTestId("find-count").textContent()).toMatch(/^1 of \d+$/);
    const highlighted = await page.evaluate(() => {
      const current = CSS.highlights.get("search-match-current");
      const [range] = current ? [...current] : [];
      const element = range?.startContainer.parentElement;
      return {
        text: range?.toString(),
        section: element?.closest(".plan-section")?.id,
        inEditor: Boolean(element?.closest(".ProseMirror")),
        all: [...(CSS.highlights.get("search-match") ?? [])].map((r) => r.toString().toLowerCase()),
      };
    });
    // The two words are found as the phrase they were typed as: one match, not one per word.
    expect(highlighted).toMatchObject({
      text: "visioning sessions",
      section: "section-customer-insight",
      inEditor: true,
    });
    expect(highlighted.all).toEqual(["visioning sessions"]);
    expect(await page.getByTestId("find-count").textContent()).toBe("1 of 1");
    await page.screenshot({ path: screenshotPath("search-opened-section") });
  });

  it("find in plan jumps between matches in narratives and table cells", async () => {
    const page = await signedInPage(running.browser, running.server.url, "editor@swindon.example");
    await openDemoPlan(page);
    await page.locator("h1").click();
    await page.keyboard.press("/");
    const box = page.getByRole("searchbox", { name: "Find in this plan" });
    await box.fill("swindon");
    const count = page.getByTestId("find-count");
    await expect.poll(() => count.textContent()).toMatch(/^1 of \d+$/);
    const total = Number((await count.textContent())!.split(" of ")[1]);
    const kinds: string[] = [];
    for (let index = 0; index < total; index++) {
      kinds.push(
        await page.evaluate(() =>
          document.querySelector(".search-match-cell--current")
            ? "cell"
            : CSS.highlights.get("search-match-current")
              ? "text"
              : "none",
        ),
      );
      await box.press("Enter");
    }
    expect(new Set(kinds)).toEqual(new Set(["text", "cell"]));
    expect(await count.textContent()).toBe(`1 of ${total}`);
    await page.keyboard.press("Control+Shift+F");
    await box.press("Escape");
    await expect.poll(() => page.getByTestId("find-in-plan").count()).toBe(0);
  });
});
