import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { AxeResults, RunOptions } from "axe-core";
import type { Page } from "playwright-core";

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/**
 * axe-core's WCAG 2.2 AA violations, one line each: inside `selector`, or on the whole page as
 * it is now. The page's context is made with `bypassCSP`: the app's policy refuses the script.
 */
export async function violations(page: Page, selector?: string): Promise<string[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ content: AXE_SOURCE });
  return page.evaluate(
    async ({ include, tags }) => {
      const axe = (window as unknown as { axe: { run(context: unknown, options: RunOptions): Promise<AxeResults> } })
        .axe;
      const result = await axe.run(include === null ? document : { include: [include] }, {
        runOnly: { type: "tag", values: tags },
      });
      return result.violations.map(
        (violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(" ")).join(" | ")}`,
      );
    },
    { include: selector ?? null, tags: WCAG_TAGS },
  );
}

/**
 * Records the close code of every WebSocket the page's context opens from its next load on, so
 * a refused update (4400) shows in `socketCloses`.
 */
export async function recordingCloses(page: Page): Promise<void> {
  await page.context().addInitScript(() => {
    const closes: number[] = [];
    (window as unknown as { socketCloses: number[] }).socketCloses = closes;
    const Native = window.WebSocket;
    window.WebSocket = class extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        this.addEventListener("close", (event) => closes.push(event.code));
      }
    };
  });
}

/** The close codes `recordingCloses` has seen on the page, oldest first. */
export function socketCloses(page: Page): Promise<number[]> {
  return page.evaluate(() => (window as unknown as { socketCloses: number[] }).socketCloses);
}
