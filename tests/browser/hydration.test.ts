import { describe, expect, it } from "vitest";
import { signedInPage, useServerAndBrowser } from "../support/browser";
import { demoPlanId, signIn } from "../support/http";

const running = useServerAndBrowser();

describe("every page hydrates", () => {
  it("without an error: a mismatch makes React throw the server's HTML away and draw the whole page again", async () => {
    const url = running.server.url;
    const planId = await demoPlanId(url, await signIn(url, "owner@swindon.example"));
    const page = await signedInPage(running.browser, url, "owner@swindon.example", {
      viewport: { width: 1366, height: 768 },
    });
    const errors: string[] = [];
    let path = "";
    page.on("pageerror", (error) => errors.push(`${path}: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(`${path}: ${message.text()}`);
    });
    for (path of [
      "/plans",
      `/plans/${planId}`,
      `/plans/${planId}/members`,
      `/plans/${planId}/activity`,
      "/portfolio",
      "/search?q=budget",
      "/notifications",
      "/account",
      "/admin",
      "/admin/outbox",
    ]) {
      await page.goto(`${url}${path}`, { waitUntil: "networkidle" });
    }
    expect(errors).toEqual([]);
  });
});

describe("a part drawn by code that arrives late", () => {
  it("is not thrown away when the plan's connection comes first", async () => {
    const url = running.server.url;
    const page = await signedInPage(running.browser, url, "owner@swindon.example", {
      viewport: { width: 1366, height: 768 },
    });
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    // The lazily loaded parts (their chunks are named after their component) arrive after the
    // plan's document has synced, as they may on a slow connection: a part the server drew
    // that is still waiting for its code must not be changed before it hydrates (React error 421).
    await page.route(/\/build\/_shared\/[A-Z]\w*-\w+\.js$/, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await route.continue();
    });
    await page.goto(`${url}/plans/${await demoPlanId(url, await signIn(url, "owner@swindon.example"))}`);
    await page.locator('[data-testid="connection-status"][data-synced="true"]').waitFor();
    await page.waitForLoadState("networkidle");
    expect(errors).toEqual([]);
  });
});
