import { chromium } from "playwright-core";
import lighthouse, { desktopConfig } from "lighthouse";
import type { BenchServer } from "./servers";

export interface LighthouseScores {
  path: string;
  mobile: LighthouseRun;
  desktop: LighthouseRun;
}

export interface LighthouseRun {
  /** Lighthouse's performance score, 0 to 1. */
  performance: number;
  firstContentfulPaintMs: number;
  largestContentfulPaintMs: number;
  totalBlockingTimeMs: number;
  /** What Lighthouse saw transferred, in bytes. */
  transferBytes: number;
}

/** A port for Chromium's DevTools that no other bench part uses. */
const DEBUGGING_PORT = 9333;

/**
 * Lighthouse 12's mobile (its default: a mid-range phone on slow 4G, CPU slowed 4x, simulated)
 * and desktop runs of each page, signed in as the bench's user, in Debian's Chromium started by
 * playwright with a DevTools port for Lighthouse to drive.
 */
export async function measureLighthouse(server: BenchServer, paths: string[]): Promise<LighthouseScores[]> {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", `--remote-debugging-port=${DEBUGGING_PORT}`],
  });
  try {
    const results: LighthouseScores[] = [];
    for (const path of paths) {
      results.push({
        path,
        mobile: await run(server, path, undefined),
        desktop: await run(server, path, desktopConfig),
      });
    }
    return results;
  } finally {
    await browser.close();
  }
}

/** Lighthouse sometimes loses its trace on a busy machine (NO_NAVSTART): such a run is tried again. */
const TRIES = 3;

async function run(
  server: BenchServer,
  path: string,
  config: typeof desktopConfig | undefined,
  tries = TRIES,
): Promise<LighthouseRun> {
  const result = await lighthouse(
    `${server.httpUrl}${path}`,
    {
      port: DEBUGGING_PORT,
      output: "json",
      logLevel: "error",
      onlyCategories: ["performance"],
      extraHeaders: { Cookie: server.cookie! },
    },
    config,
  );
  if (!result) throw new Error(`Lighthouse gave no result for ${path}`);
  const { lhr } = result;
  if (lhr.runtimeError) {
    if (tries > 1) return run(server, path, config, tries - 1);
    throw new Error(`Lighthouse on ${path}, ${TRIES} times: ${lhr.runtimeError.message}`);
  }
  const metric = (id: string) => lhr.audits[id]?.numericValue ?? Number.NaN;
  return {
    performance: lhr.categories.performance?.score ?? Number.NaN,
    firstContentfulPaintMs: metric("first-contentful-paint"),
    largestContentfulPaintMs: metric("largest-contentful-paint"),
    totalBlockingTimeMs: metric("total-blocking-time"),
    transferBytes: metric("total-byte-weight"),
  };
}
