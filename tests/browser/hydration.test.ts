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
