/**
 * `npm run bench`: starts Coplan (auth, durable SQLite) and the stock y-websocket server in
 * their own processes, drives both from this one with stock providers, and prints one table;
 * each Coplan figure is also given as a ratio to the reference measured in the same run.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { measureTwoClientPropagation, percentile } from "./propagation";
import { startCoplan, startStockYWebsocket, type BenchServer } from "./servers";
import { measureStaleness } from "./signoff-staleness";
import { measureStaleBadge } from "./stale-badge";
import { measurePdfExport } from "./pdf-export";

const { values } = parseArgs({ options: { edits: { type: "string", default: "100" } } });
const edits = Number(values.edits);

const servers: BenchServer[] = [await startCoplan(), await startStockYWebsocket()];
const rows: Record<string, string | number>[] = [];
try {
  const results = new Map<string, number[]>();
  for (const server of servers) {
    await measureTwoClientPropagation(server, 20);
    results.set(server.name, await measureTwoClientPropagation(server, edits));
  }
  const reference = results.get("y-websocket (stock)")!;
  for (const [name, samples] of results) {
    rows.push({
      benchmark: `propagation, 2 clients, ${edits} edits`,
      server: name,
      "p50 ms": round(percentile(samples, 50)),
      "p95 ms": round(percentile(samples, 95)),
      "p99 ms": round(percentile(samples, 99)),
      "p50 vs stock": `${round(percentile(samples, 50) / percentile(reference, 50))}x`,
    });
  }
  const staleness = await measureStaleness(servers[0]!, 20);
  for (const [benchmark, samples] of [
    ["edit reaches another client (reference)", staleness.edit],
    ["edit to stale sign-off on another client", staleness.stale],
  ] as const) {
    rows.push({
      benchmark: `${benchmark}, 20 rounds`,
      server: "Coplan",
      "p50 ms": round(percentile(samples, 50)),
      "p95 ms": round(percentile(samples, 95)),
      "p99 ms": round(percentile(samples, 99)),
      "p50 vs edit": `${round(percentile(samples, 50) / percentile(staleness.edit, 50))}x`,
    });
  }
  const badge = await measureStaleBadge(servers[0]!, 20);
  rows.push({
    benchmark: "keystroke to stale badge on another browser page, 20 rounds",
    server: "Coplan",
    "p50 ms": round(percentile(badge, 50)),
    "p95 ms": round(percentile(badge, 95)),
    "p99 ms": round(percentile(badge, 99)),
    "p50 vs edit": `${round(percentile(badge, 50) / percentile(staleness.edit, 50))}x`,
  });
  const exported = await measurePdfExport(servers[0]!, 5);
  for (const [name, samples, pages] of [
    ["PDF export (pdfmake, through the API)", exported.pdfmake, exported.pages],
    ["Chromium page.pdf() of the plan page (reference)", exported.chromium, exported.chromiumPages],
  ] as const) {
    rows.push({
      benchmark: `${name}, ${pages} pages, 5 runs`,
      server: "Coplan",
      "p50 ms": round(percentile(samples, 50)),
      "p95 ms": round(percentile(samples, 95)),
      "p99 ms": round(percentile(samples, 99)),
      "p50 vs Chromium": `${round(percentile(samples, 50) / percentile(exported.chromium, 50))}x`,
    });
  }
} finally {
  await Promise.all(servers.map((s) => s.stop()));
}

console.table(rows);
const out = resolve(import.meta.dirname, "results");
mkdirSync(out, { recursive: true });
writeFileSync(resolve(out, "latest.json"), JSON.stringify({ at: new Date().toISOString(), rows }, null, 2));
// Destroyed providers can leave a reconnect timer behind; the results are written, so end here.
process.exit(0);

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
