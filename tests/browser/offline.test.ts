import type { Page, WebSocketRoute } from "playwright-core";
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

/**
 * Puts the page's plan WebSocket through a switch: while off, every connection attempt is
 * refused, as when the network is gone, even though pages still load.
 */
async function collabSwitch(page: Page) {
  let online = true;
  const open = new Set<WebSocketRoute>();
  await page.routeWebSocket(/\/collab\//, (ws) => {
    if (!online) return void ws.close({ code: 1006 });
    open.add(ws);
    ws.connectToServer();
    ws.onClose(() => open.delete(ws));
  });
  return {
    goOffline() {
      online = false;
      for (const ws of open) void ws.close({ code: 1006 });
    },
    goOnline() {
      online = true;
    },
  };
}

describe("offline", () => {
  it("the page says it is offline within 2 s of the network going, and live again when it is back", async () => {
    const page = await signedInPage(running.browser, running.server.url, "editor@swindon.example");
    await openDemoPlan(page);
    const status = page.getByTestId("connection-status");
    expect(await status.getAttribute("data-state")).toBe("connected");
    // Before, the socket stayed "open" on a dead network until y-websocket's 30 s silence check.
    await page.context().setOffline(true);
    await page.locator('[data-testid="connection-status"][data-state="offline"]').waitFor({ timeout: 2000 });
    expect(await status.textContent()).toBe("Offline: changes kept on this device");
    // Scrolled down to a section, the reader still sees it.
    await page.locator("#section-governance").scrollIntoViewIfNeeded();
    expect(await page.locator(".offline-banner").isVisible()).toBe(true);
    await page.context().setOffline(false);
    await page.locator('[data-testid="connection-status"][data-state="connected"]').waitFor({ timeout: 10_000 });
    expect(await page.locator(".offline-banner").count()).toBe(0);
  });

  it("edits made offline survive a reload, merge when back online, and nobody else's are lost", async () => {
    const alice = await signedInPage(running.browser, running.server.url, "editor@swindon.example");
    const network = await collabSwitch(alice);
    await openDemoPlan(alice);
    const bob = await signedInPage(running.browser, running.server.url, "owner@swindon.example");
    await bob.goto(alice.url());
    await planReady(bob);

    await alice.context().setOffline(true);
    network.goOffline();
    await alice.locator('[data-testid="connection-status"][data-state="offline"]').waitFor();
    expect(await alice.getByTestId("connection-status").textContent()).toBe("Offline: changes kept on this device");
    const aliceEditor = alice.locator('.rich-text[data-section="options-appraisal"]');
    await aliceEditor.click();
    await alice.keyboard.type("Written offline by Tom.");
    const bobEditor = bob.locator('.rich-text[data-section="reform-agenda"]');
    await bobEditor.click();
    await bob.keyboard.type("Written online by Alison.");
    await alice.screenshot({ path: screenshotPath("offline-status") });

    // The page comes back from the server, but the plan's connection stays cut: what Tom typed
    // must come from this device.
    await alice.context().setOffline(false);
    await alice.reload();
    await alice.locator('[data-testid="connection-status"][data-state="offline"]').waitFor();
    // Before any editor is built the section shows its reading copy, which must show what this
    // device kept rather than the server's older words.
    await expect.poll(() => sectionText(alice, "options-appraisal")).toContain("Written offline by Tom.");
    expect(await sectionText(alice, "reform-agenda")).not.toContain("Alison");
    // Offline, the editors are still built once the person is seen to be there.
    await alice.mouse.move(2, 2);
    await alice.mouse.move(1, 1);
    await alice.locator('main.plan[data-sections-shown="all"]').waitFor({ state: "attached" });
    expect(await editorText(alice, "options-appraisal")).toContain("Written offline by Tom.");

    network.goOnline();
    await alice
      .locator('[data-testid="connection-status"][data-state="connected"][data-synced="true"]')
      .waitFor({ timeout: 15_000 });
    await expect
      .poll(() => editorText(bob, "options-appraisal"), { timeout: 5000 })
      .toContain("Written offline by Tom.");
    await expect
      .poll(() => editorText(alice, "reform-agenda"), { timeout: 5000 })
      .toContain("Written online by Alison.");
    expect(await editorText(bob, "reform-agenda")).toContain("Written online by Alison.");
    expect((await editorText(bob, "options-appraisal")).split("Written offline by Tom.").length).toBe(2);
  });
});

/** A section's words as shown, from its editor or, before one is built, its reading copy. */
function sectionText(page: Page, sectionKey: string): Promise<string> {
  return page.locator(`#section-${sectionKey}`).evaluate((section) => {
    const clone = section.cloneNode(true) as HTMLElement;
    clone.querySelectorAll(".collaboration-carets__caret").forEach((caret) => caret.remove());
    return clone.textContent ?? "";
  });
}
