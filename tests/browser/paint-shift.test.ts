import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { screenshotPath, useServerAndBrowser } from "../support/browser";
import { startHeldPageFront, type HeldPageFront } from "../support/held-page";
import { demoPlanId, signIn } from "../support/http";

const running = useServerAndBrowser();
let front: HeldPageFront;
beforeAll(async () => {
  front = await startHeldPageFront(running.server.port);
});
afterAll(() => front?.close());

const EDITOR = "editor@swindon.example";

interface Shift {
  value: number;
  /** The elements that moved, as tag.class, and whether each is the plan's `main` or holds it. */
  sources: { node: string; holdsMain: boolean; from: number; to: number }[];
}

/** Chromium's layout-shift entry (not in TypeScript's DOM types). */
interface LayoutShiftEntry extends PerformanceEntry {
  value: number;
  sources: { node: Node | null; previousRect: DOMRectReadOnly; currentRect: DOMRectReadOnly }[];
}

/** Lighthouse's phone and a laptop. */
const SCREENS = [
  { name: "phone", viewport: { width: 412, height: 823 }, deviceScaleFactor: 1.75, isMobile: true, hasTouch: true },
  { name: "desktop", viewport: { width: 1350, height: 940 } },
];

describe("the plan does not move as its page arrives", () => {
  it("keeps main where it was first painted, when the HTML arrives in parts on a slow phone", async () => {
    const cookie = await signIn(running.server.url, EDITOR);
    const planId = await demoPlanId(running.server.url, cookie);
    const [name, value] = cookie.split(/=(.*)/s) as [string, string];
    for (const { name: screen, ...options } of SCREENS) {
      const context = await running.browser.newContext(options);
      await context.addCookies([{ name, value, url: front.url }]);
      const page = await context.newPage();
      // Every layout shift, as Lighthouse counts them (it counts those Chromium marks as
      // following input too: the emulated phone's first shifts are marked so).
      await page.addInitScript(() => {
        const shifts: Shift[] = [];
        (window as unknown as { __shifts: Shift[] }).__shifts = shifts;
        new PerformanceObserver((list) => {
          const main = document.querySelector("main.plan");
          for (const entry of list.getEntries() as LayoutShiftEntry[]) {
            shifts.push({
              value: entry.value,
              sources: entry.sources.map((source) => ({
                node: source.node ? `${source.node.nodeName}.${(source.node as Element).className ?? ""}` : "?",
                holdsMain: Boolean(main && source.node?.contains(main)),
                from: Math.round(source.previousRect.y),
                to: Math.round(source.currentRect.y),
              })),
            });
          }
        }).observe({ type: "layout-shift", buffered: true });
      });
      const cdp = await context.newCDPSession(page);
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
      // The page up to its first section comes, and is painted, before the rest of it.
      const held = front.holdPage(`/plans/${planId}`, '<section id="section-');
      const loaded = page.goto(`${front.url}/plans/${planId}`, { waitUntil: "load" });
      const { release } = await held;
      await page.waitForFunction(() => document.querySelector("main.plan"));
      await page.evaluate(() => new Promise((painted) => requestAnimationFrame(() => requestAnimationFrame(painted))));
      expect(await page.locator(".plan-section").count()).toBe(0);
      const firstTop = await page.locator("main.plan").evaluate((main) => main.getBoundingClientRect().top);
      await page.screenshot({ path: screenshotPath(`paint-shift-part-${screen}`) });
      release();
      await loaded;
      await page.locator('[data-testid="connection-status"][data-synced="true"]').waitFor();
      await page.evaluate(() => new Promise((painted) => requestAnimationFrame(() => requestAnimationFrame(painted))));
      await page.screenshot({ path: screenshotPath(`paint-shift-whole-${screen}`) });
      const shifts = await page.evaluate(() => (window as unknown as { __shifts: Shift[] }).__shifts);
      const ofMain = shifts.filter((shift) => shift.value > 0.001 && shift.sources.some((source) => source.holdsMain));
      expect(ofMain, screen).toEqual([]);
      expect(await page.locator("main.plan").evaluate((main) => main.getBoundingClientRect().top), screen).toBe(
        firstTop,
      );
      await context.close();
    }
  });
});
