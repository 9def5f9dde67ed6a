import { describe, expect, it } from "vitest";
import { openDemoPlan, planReady, signedInPage, useServerAndBrowser } from "../support/browser";
import { demoPlanId, signIn } from "../support/http";

const running = useServerAndBrowser();

describe("a link to a section", () => {
  it("lands on the section once the plan's content is in, though the sections above it grew", async () => {
    const planId = await demoPlanId(running.server.url, await signIn(running.server.url, "owner@swindon.example"));
    const page = await signedInPage(running.browser, running.server.url, "editor@swindon.example", {
      viewport: { width: 1366, height: 768 },
    });
    await page.goto(`${running.server.url}/plans/${planId}#section-longer-term-resourcing`);
    await planReady(page);
    await expect
      .poll(() =>
        page.locator("#section-longer-term-resourcing .plan-section__header h2").evaluate((heading) => {
          const top = heading.getBoundingClientRect().top;
          return top >= 0 && top < innerHeight / 2;
        }),
      )
      .toBe(true);
  });

  it("the section list jumps to each section in turn, not only the first time", async () => {
    const page = await signedInPage(running.browser, running.server.url, "owner@swindon.example", {
      viewport: { width: 1366, height: 768 },
    });
    await openDemoPlan(page);
    const sections = page.getByRole("navigation", { name: "Sections" });
    for (const [name, key] of [
      [/Gap analysis/, "gap-analysis"],
      [/Timescales/, "timescales"],
      [/Customer insight/, "customer-insight"],
    ] as const) {
      await sections.getByRole("link", { name }).click();
      await expect
        .poll(() =>
          page.locator(`#section-${key}`).evaluate((section) => {
            const top = section.getBoundingClientRect().top;
            return top >= 0 && top < innerHeight / 2;
          }),
        )
        .toBe(true);
    }
  });
});
