import type { Page } from "playwright-core";
import { launchBrowser, signedInPage } from "../support/browser";
import type { BenchServer } from "./servers";

/**
 * In real browsers, two people on the demo plan: the time from a keystroke on one page to the
 * character showing on the other, in a table cell (`Y.Text` bound to an input) and, as the
 * reference, in a narrative (the TipTap editor). Both pages run in one browser on this
 * machine, so `Date.now()` is one clock.
 */
export async function measureCellTyping(
  server: BenchServer,
  rounds: number,
): Promise<{ cell: number[]; narrative: number[] }> {
  const browser = await launchBrowser();
  try {
    const url = `${server.httpUrl}/plans/${server.room}`;
    const typist = await signedInPage(browser, server.httpUrl!, "editor@swindon.example");
    const reader = await signedInPage(browser, server.httpUrl!, "owner@swindon.example");
    for (const page of [typist, reader]) {
      await page.goto(url);
      await page.locator('[data-testid="connection-status"][data-synced="true"]').waitFor();
    }
    await typist.locator("#section-outcomes").getByRole("button", { name: "+ Add row" }).click();
    const cell = '#section-outcomes [aria-label="Outcome, row 1"]';
    await reader.locator(cell).waitFor();
    await typist.locator(cell).click();
    const cellSamples = await typeAndWatch(
      typist,
      reader,
      rounds,
      (selector) => {
        const input = document.querySelector<HTMLInputElement>(selector);
        return input ? input.value.length : -1;
      },
      cell,
    );

    const narrative = '.rich-text[data-section="customer-insight"]';
    await typist.locator(narrative).click();
    await typist.keyboard.press("Control+End");
    const narrativeSamples = await typeAndWatch(
      typist,
      reader,
      rounds,
      (selector) => {
        const editor = document.querySelector(selector);
        if (!editor) return -1;
        const clone = editor.cloneNode(true) as HTMLElement;
        clone.querySelectorAll(".collaboration-carets__caret").forEach((caret) => caret.remove());
        return (clone.textContent ?? "").length;
      },
      narrative,
    );
    return { cell: cellSamples, narrative: narrativeSamples };
  } finally {
    await browser.close();
  }
}

/**
 * Types one character a round on the typist's page and times its arrival on the reader's,
 * polling the reader's DOM through a message channel (sub-millisecond, unlike a frame).
 */
async function typeAndWatch(
  typist: Page,
  reader: Page,
  rounds: number,
  length: (selector: string) => number,
  selector: string,
): Promise<number[]> {
  const samples: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const start = (await reader.evaluate(`(${length.toString()})(${JSON.stringify(selector)})`)) as number;
    const arrived = reader.evaluate(
      ([source, target, from]) =>
        new Promise<number>((resolve) => {
          const measure = new Function("selector", `return (${source})(selector)`) as (s: string) => number;
          const channel = new MessageChannel();
          channel.port1.onmessage = () => {
            if (measure(target) > from) resolve(Date.now());
            else channel.port2.postMessage(null);
          };
          channel.port2.postMessage(null);
        }),
      [length.toString(), selector, start] as const,
    );
    const typedAt = Date.now();
    await typist.keyboard.type("x");
    samples.push((await arrived) - typedAt);
  }
  return samples;
}
