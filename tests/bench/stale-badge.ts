import { DEMO_PASSWORD } from "../../server/ops/demo-seed.server";
import { launchBrowser, signedInPage } from "../support/browser";
import type { BenchServer } from "./servers";

const SECTION = "customer-insight";
const badge = `.navigator [data-testid="signoff-badge"][data-section="${SECTION}"]`;

/**
 * In real browsers: a signatory signs the section off, then types one character into it; the
 * time until the stale badge shows on another person's page. Both pages run in one browser on
 * this machine, so `Date.now()` is one clock.
 */
export async function measureStaleBadge(server: BenchServer, rounds: number): Promise<number[]> {
  const browser = await launchBrowser();
  try {
    const url = `${server.httpUrl}/plans/${server.room}`;
    const signatory = await signedInPage(browser, server.httpUrl!, "signatory@swindon.example");
    const other = await signedInPage(browser, server.httpUrl!, "editor@swindon.example");
    for (const page of [signatory, other]) {
      await page.goto(url);
      await page.locator('[data-testid="connection-status"][data-synced="true"]').waitFor();
    }
    const samples: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const status = await signatory.evaluate(
        async ([path, password]) => {
          const { contentHash } = (await (await fetch(path)).json()) as { contentHash: string };
          const response = await fetch(path, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ contentHash, password }),
          });
          return response.status;
        },
        [`/api/plans/${server.room}/sections/${SECTION}/signoffs`, DEMO_PASSWORD] as const,
      );
      if (status !== 201) throw new Error(`sign-off failed: ${status}`);
      await other.locator(`${badge}[data-state="signed"]`).waitFor();
      const staleShown = other.evaluate(
        (selector) =>
          new Promise<number>((resolve) => {
            const observer = new MutationObserver(() => {
              if (document.querySelector(selector)) {
                observer.disconnect();
                resolve(Date.now());
              }
            });
            observer.observe(document.body, { subtree: true, attributes: true, childList: true });
          }),
        `${badge}[data-state="stale"]`,
      );
      await signatory.locator(`.rich-text[data-section="${SECTION}"]`).click();
      await signatory.keyboard.press("End");
      const typedAt = Date.now();
      await signatory.keyboard.type("x");
      samples.push((await staleShown) - typedAt);
    }
    return samples;
  } finally {
    await browser.close();
  }
}
