import { readFileSync } from "node:fs";
import { requestJson, signIn } from "../support/http";
import { createGeneratedPlan } from "./generated-plan";
import type { BenchServer } from "./servers";

/** The demo's other members, so that each concurrent export is a different person's. */
const EXPORTERS = [
  "editor@swindon.example",
  "signatory@swindon.example",
  "signatory@dclg.example",
  "reviewer@dwp.example",
  "viewer@police.example",
];

export interface ExportLoad {
  pages: number;
  exports: number;
  /** `/api/health` round trips, ms, one request after another with nothing else running. */
  idle: number[];
  /** The same while the exports run. */
  loaded: number[];
  /** Probes that failed while the exports ran. */
  failedProbes: number;
  /** Each export's time from request to last byte, ms, and its status. */
  exportMs: number[];
  statuses: number[];
  /** The server's resident memory, highest sample while the exports ran. */
  peakResidentBytes: number;
}

function residentBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) * 1024 : 0;
}

/** Between probes, as a monitor polls: back to back, the probing itself would take a core. */
const PROBE_GAP_MS = 10;

/** A probe's round trip in ms, or null when it failed (a blocked server can drop a kept-alive socket). */
async function healthRoundTrip(url: string): Promise<number | null> {
  const start = performance.now();
  let ms: number | null = null;
  try {
    const response = await fetch(`${url}/api/health`);
    await response.arrayBuffer();
    if (response.ok) ms = performance.now() - start;
  } catch {
    ms = null;
  }
  await new Promise((resolve) => setTimeout(resolve, PROBE_GAP_MS));
  return ms;
}

/**
 * `/api/health` latency (one probe every 10 ms) while `exports` people export a generated plan of `pages` pages at
 * once, beside the same with no export running.
 */
export async function measureExportLoad(
  server: BenchServer,
  pages: number,
  exports: number,
  idleSamples = 200,
): Promise<ExportLoad> {
  const url = server.httpUrl!;
  const planId = await createGeneratedPlan(server, pages, 16);
  const cookies = [server.cookie!];
  for (const email of EXPORTERS.slice(0, exports - 1)) {
    await requestJson(url, "POST", `/api/plans/${planId}/members`, server.cookie, { email, role: "viewer" });
    cookies.push(await signIn(url, email));
  }
  const exportOnce = async (cookie: string) => {
    const start = performance.now();
    const response = await fetch(`${url}/api/plans/${planId}/export.pdf`, { headers: { cookie } });
    await response.arrayBuffer();
    return { ms: performance.now() - start, status: response.status };
  };
  // The plan is loaded and the PDF engine warm before anything is measured.
  await exportOnce(server.cookie!);

  const idle: number[] = [];
  while (idle.length < idleSamples) {
    const ms = await healthRoundTrip(url);
    if (ms !== null) idle.push(ms);
  }

  let running = true;
  let peakResidentBytes = residentBytes(server.pid);
  const memory = setInterval(() => {
    peakResidentBytes = Math.max(peakResidentBytes, residentBytes(server.pid));
  }, 100);
  const loaded: number[] = [];
  let failedProbes = 0;
  const sampling = (async () => {
    while (running) {
      const ms = await healthRoundTrip(url);
      if (ms === null) failedProbes += 1;
      else loaded.push(ms);
    }
  })();
  const results = await Promise.all(cookies.slice(0, exports).map((cookie) => exportOnce(cookie)));
  running = false;
  await sampling;
  clearInterval(memory);
  return {
    pages,
    exports,
    idle,
    loaded,
    failedProbes,
    exportMs: results.map((r) => r.ms),
    statuses: results.map((r) => r.status),
    peakResidentBytes,
  };
}
