/**
 * `npm run bench`: Coplan (auth, durable SQLite), the stock y-websocket server and Hocuspocus
 * (SQLite extension), each in its own process, loaded from separate client processes; prints
 * one table and writes it, with the raw figures, to results/latest.json. Every Coplan figure is
 * set beside a reference measured in the same run.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { measureAuditVerify } from "./audit-verify";
import { measureCapacityModel, MESSAGES_PER_CLIENT_PER_SECOND } from "./capacity-model";
import { measureCellTyping } from "./cell-typing";
import { CLUSTER_OWNER, CLUSTER_SPREAD, measureCluster, SQLITE_ONE } from "./cluster";
import { measureCommitLatency } from "./commit-latency";
import { measureColdOpen } from "./cold-open";
import { measureExportLoad } from "./export-load";
import { measureRelayWindow, measureWriteAmplification } from "./durability";
import { createGeneratedPlan } from "./generated-plan";
import { measureLighthouse } from "./lighthouse";
import { measurePageOpen } from "./page-open";
import { measurePageServe } from "./page-serve";
import { measurePageRender } from "./page-render";
import { measureDocumentExports } from "./document-export";
import { measurePdfExport } from "./pdf-export";
import { measurePlanMemory } from "./plan-memory";
import { findCapacity, measurePropagation, type Propagation } from "./propagation";
import {
  COPLAN,
  HOCUSPOCUS,
  killRunningServers,
  STOCK,
  startCoplan,
  startHocuspocus,
  startStockYWebsocket,
  type BenchServer,
} from "./servers";
import { measureSearchAndPortfolio } from "./search-portfolio";
import { measureStaleBadge } from "./stale-badge";
import { measureSignoffRequest } from "./signoff-request";
import { measureStaleness } from "./signoff-staleness";
import { measureSuggestions } from "./suggestions";
import { measureSuggestionTyping } from "./suggestion-typing";
import { loadTemplates } from "../../server/templates/template-files.server";
import { measureVersions } from "./versions";
import { percentile, ratio, round } from "./stats";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "5" },
    clients: { type: "string", default: "2,10,50,200" },
    capacity: { type: "string", default: "50,100,150,200,300,400,500,600,800" },
    "durability-seconds": { type: "string", default: "60" },
    plans: { type: "string", default: "100" },
    "model-clients": { type: "string", default: "50,100,150,200" },
    "search-plans": { type: "string", default: "1000" },
    "audit-entries": { type: "string", default: "100000" },
    "cluster-clients": { type: "string", default: "10,50" },
    "failover-tries": { type: "string", default: "3" },
    only: { type: "string" },
  },
});
const seconds = Number(values.seconds);
const wanted = (part: string) => {
  const yes = !values.only || values.only.split(",").includes(part);
  if (yes) console.error(`[bench] ${new Date().toISOString().slice(11, 19)} ${part}`);
  return yes;
};

type Row = Record<string, string | number>;
const rows: Row[] = [];
const raw: Record<string, unknown> = {};

function latencyRow(
  benchmark: string,
  server: string,
  samples: { p50: number; p95: number; p99: number },
  extra: Row = {},
): Row {
  return {
    benchmark,
    server,
    "p50 ms": round(samples.p50),
    "p95 ms": round(samples.p95),
    "p99 ms": round(samples.p99),
    ...extra,
  };
}

function ofSamples(samples: number[]) {
  return { p50: percentile(samples, 50), p95: percentile(samples, 95), p99: percentile(samples, 99) };
}

/** How each server's clients fared, and whether the clients themselves kept up. */
function propagationRows(label: string, results: Propagation[]): void {
  const stock = results.find((r) => r.server === STOCK);
  const hocuspocus = results.find((r) => r.server === HOCUSPOCUS);
  for (const result of results) {
    rows.push(
      latencyRow(label, result.server, result, {
        "vs stock (p99)": result.server === COPLAN ? ratio(result.p99, stock?.p99) : "",
        "vs Hocuspocus (p99)": result.server === COPLAN ? ratio(result.p99, hocuspocus?.p99) : "",
        figure: `missing ${round(result.missingShare * 100)}%; busiest client process ${round(result.clientCpuShare * 100)}% CPU, loop p99 ${round(result.clientLoopDelayP99Ms)} ms`,
      }),
    );
  }
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    killRunningServers();
    process.exit(130);
  });
}

const servers: BenchServer[] = [await startCoplan(), await startStockYWebsocket(), await startHocuspocus()];
try {
  if (wanted("propagation")) {
    const all: Propagation[] = [];
    for (const clients of values.clients.split(",").map(Number)) {
      const results: Propagation[] = [];
      for (const server of servers) results.push(await measurePropagation(server, clients, seconds));
      propagationRows(
        `propagation, ${clients} clients (10% typing 5 chars/s, rest cursors 2/s), ${seconds} s`,
        results,
      );
      all.push(...results);
      const stock = results.find((r) => r.server === STOCK);
      const coplanResult = results.find((r) => r.server === COPLAN);
      if (stock && coplanResult) {
        const commit = percentile(await measureCommitLatency(500), 50);
        rows.push({
          benchmark: `propagation, ${clients} clients: the floor for a server that stores before it relays`,
          server: COPLAN,
          "p50 ms": round(stock.p50 + commit),
          figure: `stock p50 ${round(stock.p50)} ms + one durable commit p50 ${round(commit)} ms (measured after the run); Coplan p50 ${round(coplanResult.p50)} ms is ${ratio(coplanResult.p50, stock.p50 + commit)} the floor`,
        });
      }
    }
    raw.propagation = all;
  }

  if (wanted("capacity")) {
    const steps = values.capacity.split(",").map(Number);
    const capacities: Record<string, unknown> = {};
    for (const server of servers) {
      const found = await findCapacity(server, steps, seconds);
      capacities[server.name] = found;
      rows.push({
        benchmark: "capacity: most clients on one plan with p99 <= 100 ms",
        server: server.name,
        figure: `${found.capacity} clients (steps ${found.steps.map((s) => `${s.clients}: p99 ${round(s.p99)} ms`).join(", ")})`,
      });
    }
    raw.capacity = capacities;
  }

  if (wanted("capacity-model")) {
    const model = await measureCapacityModel(values["model-clients"].split(",").map(Number), seconds);
    raw.capacityModel = model;
    for (const step of model.steps) {
      rows.push({
        benchmark: `capacity model: server CPU under ${step.clients} clients (fresh server, profiled)`,
        server: COPLAN,
        "p99 ms": round(step.p99Ms),
        figure: `${round(step.cpuPerSecond * 100)}% of a core for ${Math.round(step.relayedPerSecond)} relayed messages/s; top: ${step.hotspots
          .slice(0, 3)
          .map((h) => `${h.name.split(" ")[0]} ${round(h.share * 100)}%`)
          .join(", ")}`,
      });
    }
    rows.push({
      benchmark: `capacity model: cpu = c + a x clients + b x relayed messages, fitted without the ${model.check.clients}-client step`,
      server: COPLAN,
      figure: `c ${round(model.fixed * 100)}% of a core, a ${round(model.perClient * 1e6)} us/client/s, b ${round(model.perRelayed * 1e6)} us/relayed message; predicts ${round(model.check.predicted * 100)}% of a core at ${model.check.clients} clients, measured ${round(model.check.measured * 100)}% (${ratio(model.check.predicted, model.check.measured)}); one plan (one event loop) holds ${model.clientsPerPlan} clients at ${model.utilisation * 100}% of a core`,
    });
  }

  if (wanted("cluster")) {
    const counts = values["cluster-clients"].split(",").map(Number);
    const cluster = await measureCluster({
      clients: counts,
      seconds,
      failoverTries: Number(values["failover-tries"]),
      commits: 500,
      capacitySteps: values.capacity.split(",").map(Number),
    });
    raw.cluster = cluster;
    const us = (seconds: number) => `${round(seconds * 1e6)} us`;
    for (const clients of counts) {
      const results = cluster.latency.filter((r) => r.clients === clients);
      const single = results.find((r) => r.setup === SQLITE_ONE);
      for (const result of results) {
        rows.push(
          latencyRow(`cluster: edit to other clients, ${clients} clients, ${seconds} s`, result.setup, result, {
            "vs SQLite, 1 process (p99)": result === single ? "" : ratio(result.p99, single?.p99),
            figure: `${result.setup === CLUSTER_SPREAD ? `goal p99 at most 2x one process at 50 clients; ` : ""}missing ${round(result.missingShare * 100)}%; server CPU per relayed message ${result.cpuPerRelayed.map(us).join(" + ")} (${Math.round(result.relayedPerSecond)} relayed/s); busiest client process ${round(result.clientCpuShare * 100)}% CPU`,
          }),
        );
      }
    }
    const sorted = [...cluster.failoverMs].sort((a, b) => a - b);
    rows.push({
      benchmark: `cluster: SIGKILL of the plan's owner to an edit typed after it reaching a client on another process (lease ${cluster.leaseSeconds} s, goal <= 5000 ms), ${sorted.length} tries`,
      server: "Coplan, 3 processes",
      "p50 ms": round(percentile(sorted, 50)),
      figure: `tries ${cluster.failoverMs.map((ms) => (Number.isFinite(ms) ? round(ms) : "not within 30 s")).join(", ")} ms`,
    });
    const sqliteCommit = ofSamples(cluster.commit.sqlite);
    rows.push(
      latencyRow(
        "one stored update: SQLite append, synchronous=FULL (reference), 500 updates",
        SQLITE_ONE,
        sqliteCommit,
      ),
    );
    for (const [label, samples] of [
      ["append", cluster.commit.postgres],
      ["append as the lease's owner (the cluster's fenced insert)", cluster.commit.postgresAsOwner],
    ] as const) {
      const of = ofSamples(samples);
      rows.push(
        latencyRow(`one stored update: PostgreSQL ${label}, 500 updates`, "Coplan, PostgreSQL", of, {
          figure: `${ratio(of.p50, sqliteCommit.p50)} SQLite (p50), ${ratio(of.p99, sqliteCommit.p99)} (p99); ${cluster.commit.settings}`,
        }),
      );
    }
    const largest = Math.max(...counts);
    const atLargest = cluster.latency.filter((r) => r.clients === largest);
    const one = atLargest.find((r) => r.setup === SQLITE_ONE);
    const spread = atLargest.find((r) => r.setup === CLUSTER_SPREAD);
    const onOwner = atLargest.find((r) => r.setup === CLUSTER_OWNER);
    if (one && spread && onOwner) {
      const perSingle = one.cpuPerRelayed[0]!;
      const perCluster = spread.cpuPerRelayed.reduce((sum, cpu) => sum + cpu, 0);
      const perOwner = onOwner.cpuPerRelayed[0]!;
      const budget = 0.7;
      const perPlan = largest * (largest - 1) * MESSAGES_PER_CLIENT_PER_SECOND;
      const clusterRate = (3 * budget) / perCluster;
      const ownerRate = (3 * budget) / onOwner.cpuPerRelayed[0]!;
      rows.push({
        benchmark: `cluster: what 3 machines hold by CPU per relayed message (${largest} clients, spread; each process at ${budget * 100}% of a core)`,
        server: "Coplan, 3 processes",
        figure: `one process on SQLite: ${us(perSingle)}/message, ${Math.round(budget / perSingle)} messages/s = ${round(budget / perSingle / perPlan)} plans of ${largest}; 3 processes spread: ${us(perCluster)}/message summed over them (${ratio(perCluster, perSingle)} one process), so 3 machines relay ${Math.round(clusterRate)} messages/s = ${round(clusterRate / perPlan)} plans of ${largest} (${ratio(clusterRate, budget / perSingle)} one machine); with each plan's clients on its owner (${us(perOwner)}/message) ${Math.round(ownerRate)} messages/s = ${round(ownerRate / perPlan)} plans of ${largest} (${ratio(ownerRate, budget / perSingle)}); one plan is bounded by its owner's one event loop: ${Math.floor(Math.sqrt(budget / perOwner / MESSAGES_PER_CLIENT_PER_SECOND))} clients (relayed messages ~ clients squared)`,
      });
    }
    if (cluster.capacity) {
      for (const [server, found] of [
        [SQLITE_ONE, cluster.capacity.sqlite],
        ["Coplan, PostgreSQL, 1 process", cluster.capacity.postgres],
      ] as const) {
        rows.push({
          benchmark: "cluster: capacity, most clients on one plan with p99 <= 100 ms",
          server,
          figure: `${found.capacity} clients (steps ${found.steps.map((s) => `${s.clients}: p99 ${round(s.p99)} ms`).join(", ")})`,
        });
      }
    }
  }

  if (wanted("durability")) {
    const durabilitySeconds = Number(values["durability-seconds"]);
    const amplification: Record<string, unknown> = {};
    for (const server of servers.filter((s) => s.databasePath)) {
      const result = await measureWriteAmplification(server, durabilitySeconds, 5);
      amplification[server.name] = result;
      rows.push({
        benchmark: `durability: disk bytes per update byte, 3 writers, ${durabilitySeconds} s`,
        server: server.name,
        figure: `${round(result.amplification)}x (${result.diskBytes} B written for ${result.updateBytes} B of updates)`,
      });
    }
    rows.push({
      benchmark: `durability: disk bytes per update byte, 3 writers, ${durabilitySeconds} s`,
      server: STOCK,
      figure: "n/a: keeps documents in memory only",
    });
    const windows: Record<string, unknown> = {};
    for (const [start, restart] of [
      [() => startCoplan(), (s: BenchServer) => () => startCoplan({ databasePath: s.databasePath })],
      [() => startHocuspocus(), (s: BenchServer) => () => startHocuspocus({ databasePath: s.databasePath })],
      [() => startStockYWebsocket(), () => () => startStockYWebsocket()],
    ] as const) {
      const server = await start();
      const { result, restarted } = await measureRelayWindow(server, restart(server), 3000);
      await restarted.stop();
      windows[server.name] = result;
      rows.push({
        benchmark: "durability: relayed edits lost on SIGKILL (typing every 20 ms for 3 s)",
        server: server.name,
        figure: `${result.lostAfterRelay} of ${result.typed} lost; window ${round(result.windowMs)} ms`,
      });
    }
    raw.durability = { amplification, windows };
  }

  if (wanted("memory")) {
    const plans = Number(values.plans);
    const memory = await measurePlanMemory(plans, 50);
    raw.memory = memory;
    rows.push({
      benchmark: `memory: ${plans} open plans of ~50 pages`,
      server: COPLAN,
      figure: `${round(memory.residentBytesPerPlan / 1024)} KiB resident per plan vs ${round(memory.storedBytesPerPlan / 1024)} KiB stored = ${round(memory.ratio)}x; ${memory.unloaded} of ${plans} unloaded when idle (RSS ${round(memory.baselineResidentBytes / 2 ** 20)} MiB before, ${round(memory.residentAfterUnloadBytes / 2 ** 20)} MiB after)`,
    });
  }

  if (wanted("cold-open")) {
    const opens = await measureColdOpen(200, 5);
    raw.coldOpen = opens;
    const reference = opens.find((o) => o.server === HOCUSPOCUS)!;
    for (const open of opens) {
      for (const [what, samples, referenceSamples] of [
        ["first sync byte", open.firstByte, reference.firstByte],
        ["fully synced", open.fullSync, reference.fullSync],
      ] as const) {
        rows.push(
          latencyRow(
            `cold open, 200 pages (${round(open.storedBytes / 2 ** 20)} MiB stored), ${what}, 5 starts`,
            open.server,
            ofSamples(samples),
            {
              "vs Hocuspocus (p50)":
                open.server === COPLAN ? ratio(percentile(samples, 50), percentile(referenceSamples, 50)) : "",
            },
          ),
        );
      }
    }
  }

  const coplan = servers[0]!;
  if (wanted("signoffs")) {
    const staleness = await measureStaleness(coplan, 20);
    const badge = await measureStaleBadge(coplan, 20);
    raw.signoffs = { staleness, badge };
    const edit = percentile(staleness.edit, 50);
    rows.push(latencyRow("edit reaches another client (reference), 20 rounds", COPLAN, ofSamples(staleness.edit)));
    rows.push(
      latencyRow("edit to stale sign-off on another client, 20 rounds", COPLAN, ofSamples(staleness.stale), {
        figure: `${ratio(percentile(staleness.stale, 50), edit)} the edit (p50)`,
      }),
    );
    rows.push(
      latencyRow("keystroke to stale badge on another browser page, 20 rounds", COPLAN, ofSamples(badge), {
        figure: `${ratio(percentile(badge, 50), edit)} the edit (p50)`,
      }),
    );
  }

  if (wanted("signoff-request")) {
    const request = await measureSignoffRequest(coplan, 100);
    raw.signoffRequest = request;
    rows.push(latencyRow("sign-off section read, GET (reference), 100 rounds", COPLAN, ofSamples(request.read)));
    rows.push(
      latencyRow("sign-off request with password (argon2id), 100 rounds", COPLAN, ofSamples(request.sign), {
        figure: `argon2id verify alone: p50 ${round(percentile(request.verify, 50))} ms, p99 ${round(percentile(request.verify, 99))} ms`,
      }),
    );
  }

  if (wanted("cells")) {
    const typing = await measureCellTyping(coplan, 100);
    raw.cells = typing;
    rows.push(
      latencyRow(
        "keystroke to another browser page, narrative (reference), 100 keystrokes",
        COPLAN,
        ofSamples(typing.narrative),
      ),
    );
    rows.push(
      latencyRow(
        "keystroke to another browser page, table cell (Y.Text), 100 keystrokes",
        COPLAN,
        ofSamples(typing.cell),
        {
          figure: `${ratio(percentile(typing.cell, 50), percentile(typing.narrative, 50))} the narrative (p50)`,
        },
      ),
    );
  }

  if (wanted("pdf")) {
    const exported = await measurePdfExport(coplan, 5);
    raw.pdf = exported;
    rows.push(
      latencyRow(
        `PDF export (tagged, pdfkit, through the API), ${exported.pages} pages, 5 runs`,
        COPLAN,
        ofSamples(exported.tagged),
        { figure: `${ratio(percentile(exported.tagged, 50), percentile(exported.chromium, 50))} Chromium (p50)` },
      ),
    );
    rows.push(
      latencyRow(
        `Chromium page.pdf() of the plan page (reference), ${exported.chromiumPages} pages, 5 runs`,
        "Chromium",
        ofSamples(exported.chromium),
      ),
    );
    const documents = await measureDocumentExports(coplan, 3, exported.planId);
    raw.documents = documents;
    for (const { plan, renderer, pages, result } of documents) {
      const pdfmake = documents.find((d) => d.plan === plan && d.renderer === "pdfmake")!;
      const label = {
        pdfmake: "PDF, pdfmake (the renderer replaced)",
        "tagged-pdf": "tagged PDF, pdfkit, unsealed",
        "sealed-pdf": "tagged PDF, pdfkit, sealed",
        docx: "Word (docx)",
      };
      const unsealed = documents.find((d) => d.plan === plan && d.renderer === "tagged-pdf")!;
      rows.push(
        latencyRow(
          `document build, ${plan} plan: ${label[renderer]}${pages ? `, ${pages} pages` : ""}, 3 runs in a process of its own`,
          COPLAN,
          ofSamples(result.ms),
          {
            figure: `peak RSS ${round(result.peakRssMb)} MiB, ${round(result.bytes / 1024)} KiB${
              renderer === "pdfmake"
                ? ""
                : `; ${ratio(percentile(result.ms, 50), percentile(pdfmake.result.ms, 50))} pdfmake (p50)`
            }${
              renderer === "sealed-pdf"
                ? `; the seal: ${ratio(percentile(result.ms, 50), percentile(unsealed.result.ms, 50))} unsealed (p50, goal at most 1.10x)`
                : ""
            }`,
          },
        ),
      );
    }
  }

  if (wanted("export-load")) {
    const load = await measureExportLoad(coplan, 200, 5);
    raw.exportLoad = load;
    const idle = ofSamples(load.idle);
    const loaded = ofSamples(load.loaded);
    const seconds = load.exportMs.map((ms) => round(ms / 1000));
    rows.push(latencyRow(`/api/health, no export running (reference), ${load.idle.length} requests`, COPLAN, idle));
    rows.push(
      latencyRow(
        `/api/health while ${load.exports} people export a ${load.pages}-page plan at once, ${load.loaded.length} requests`,
        COPLAN,
        loaded,
        {
          figure: `${ratio(loaded.p50, idle.p50)} the reference (p50), ${ratio(loaded.p99, idle.p99)} (p99); exports ${load.statuses.join(",")} in ${Math.min(...seconds)}-${Math.max(...seconds)} s; peak RSS ${round(load.peakResidentBytes / 2 ** 20)} MiB; ${load.failedProbes} probes failed`,
        },
      ),
    );
  }

  if (wanted("open")) {
    const bigPlan = await createGeneratedPlan(coplan, 200, 22);
    const opens = await measurePageOpen(coplan, [coplan.room, bigPlan], 5);
    raw.open = opens;
    const [reference] = opens;
    for (const open of opens) {
      const label =
        open === reference
          ? "the plans list (reference)"
          : open.path.endsWith(bigPlan)
            ? "a 200-page plan"
            : "the demo plan";
      rows.push({
        benchmark: `browser: open ${label} in a fresh profile, 5 runs: p50 from navigation to the first editor usable (the list: its load event)`,
        server: COPLAN,
        "p50 ms": round(percentile(open.firstEditorMs, 50)),
        figure:
          open === reference
            ? `load event; ${round(open.scriptGzipBytes / 1024)} KiB of JS (gzip)`
            : `every section ${round(percentile(open.allSectionsMs, 50))} ms p50 (${ratio(percentile(open.allSectionsMs, 50), percentile(reference!.allSectionsMs, 50))} the reference); ${round(open.scriptGzipBytes / 1024)} KiB of JS (gzip, ${ratio(open.scriptGzipBytes, reference!.scriptGzipBytes)} the reference; goal 250)`,
      });
      const noScript = open.firstWordsNoScriptMs.filter((ms): ms is number => ms !== null);
      rows.push({
        benchmark: `browser: open ${label}, 5 runs: p50 from navigation to the plan's first words painted (the list: its first paint)`,
        server: COPLAN,
        "p50 ms": round(percentile(open.firstWordsMs, 50)),
        figure: `${open === reference ? "" : `${ratio(percentile(open.firstWordsMs, 50), percentile(reference!.firstWordsMs, 50))} the list's (goal 1.5x); `}JavaScript off: ${noScript.length === 0 ? "never" : `${round(percentile(noScript, 50))} ms`}; ${round(percentile(open.transferredBytes, 50) / 1024)} KiB transferred (browser's network log${open === reference ? "" : ", goal 350 for the demo plan"})`,
      });
    }
    const serves = [];
    for (const path of opens.slice(1).map((open) => open.path)) {
      const served = await measurePageServe(coplan, path, 20);
      serves.push(served);
      rows.push({
        benchmark: `server: ${path.endsWith(bigPlan) ? "a 200-page plan" : "the demo plan"}'s page, 20 requests one at a time, p50 to its last byte`,
        server: COPLAN,
        "p50 ms": round(served.p50Ms),
        figure: `${round(served.htmlBytes / 1024)} KiB of HTML, ${round(served.sentBytes / 1024)} KiB sent (brotli)`,
      });
    }
    raw.openServe = serves;
    const scores = await measureLighthouse(
      coplan,
      opens.map((open) => open.path),
    );
    raw.lighthouse = scores;
    for (const score of scores) {
      const label =
        score.path === "/plans" ? "the plans list" : score.path.endsWith(bigPlan) ? "a 200-page plan" : "the demo plan";
      for (const form of ["mobile", "desktop"] as const) {
        const result = score[form];
        rows.push({
          benchmark: `Lighthouse 12, ${form}${form === "mobile" ? " (slow 4G, 4x CPU, simulated)" : ""}: ${label}, largest contentful paint`,
          server: COPLAN,
          "p50 ms": round(result.largestContentfulPaintMs),
          figure: `performance ${result.performance}${form === "mobile" && label === "the demo plan" ? " (goal 0.9)" : ""}; first paint ${round(result.firstContentfulPaintMs)} ms, blocking ${round(result.totalBlockingTimeMs)} ms, ${round(result.transferBytes / 1024)} KiB`,
        });
      }
    }
  }

  if (wanted("versions")) {
    const v = await measureVersions(200, 10_000);
    raw.versions = v;
    const read = ofSamples(v.read);
    const kib = (bytes: number) => `${round(bytes / 1024)} KiB`;
    rows.push(
      latencyRow(`GET /api/plans/:id of a ${v.pages}-page plan (reference), ${v.read.length} runs`, COPLAN, read),
    );
    const versionRow = (label: string, samples: number[], extra = "") => {
      const of = ofSamples(samples);
      rows.push(latencyRow(label, COPLAN, of, { figure: `${ratio(of.p50, read.p50)} the reference (p50)${extra}` }));
    };
    versionRow(
      `make a named version of the ${v.pages}-page plan, ${v.make.length} runs`,
      v.make,
      `; stored ${kib(v.versionStateBytes + v.versionContentBytes)} (state ${kib(v.versionStateBytes)} + readable content ${kib(v.versionContentBytes)}, brotli) for a plan state of ${kib(v.planStateBytes)}`,
    );
    versionRow(`compare two versions a day's editing apart (300 edits), ${v.compare.length} runs`, v.compare);
    versionRow(`restore the whole plan from a version, ${v.restore.length} runs`, v.restore);
    rows.push({
      benchmark: `storage after ${v.edits} edits (${round(v.typingSeconds)} s, default version timing sped up 40x)`,
      server: COPLAN,
      figure: `${v.autoVersions} automatic versions, ${kib(v.versionsBytesAdded)} (${ratio(v.versionsBytesAdded, v.planStateBytesAfter)} the plan's stored state of ${kib(v.planStateBytesAfter)})`,
    });
  }

  if (wanted("suggestions")) {
    const template = loadTemplates(resolve("plan-templates")).get("single-budget-for-a-place")!;
    const s = measureSuggestions(template, 200, 300);
    raw.suggestions = s;
    const plain = ofSamples(s.plainCheck);
    const section = `one section of ${round(s.sectionChars / 1000)}k characters`;
    rows.push(
      latencyRow(
        `editor keystroke: update check, 200-page plan (reference), ${s.plainCheck.length} keys`,
        COPLAN,
        plain,
      ),
    );
    rows.push(
      latencyRow(
        `reviewer keystroke: update check and reviewer line, 200-page plan, ${section}`,
        COPLAN,
        ofSamples(s.reviewerCheck),
        {
          figure: `${ratio(percentile(s.reviewerCheck, 99), plain.p99)} the reference (p99)`,
        },
      ),
    );
    rows.push(
      latencyRow(
        `reviewer keystroke: the same with ${section} alone in the plan`,
        COPLAN,
        ofSamples(s.reviewerCheckSectionOnly),
        {
          figure: `${ratio(percentile(s.reviewerCheck, 99), percentile(s.reviewerCheckSectionOnly, 99))} in the whole plan (p99)`,
        },
      ),
    );
    rows.push({
      benchmark:
        "the first reviewer update of the loaded 200-page plan, which copies its section into the gate's shadow",
      server: COPLAN,
      figure: `${round(s.firstReviewerCheck)} ms; ${ratio(s.firstReviewerCheck, s.wholePlanCopy)} a copy of the whole plan (${round(s.wholePlanCopy)} ms, the shadow before decision 0045); ${ratio(s.firstReviewerCheck, s.firstReviewerCheckSectionOnly)} the same with the section alone (${round(s.firstReviewerCheckSectionOnly)} ms)`,
    });
    rows.push({
      benchmark: "accepting each of 100 suggestions in one section",
      server: COPLAN,
      figure: `${round(s.acceptHundred)} ms in all`,
    });
    const typing = await measureSuggestionTyping(coplan, 200);
    raw.suggestionTyping = typing;
    const typed = ofSamples(typing.plain);
    rows.push(
      latencyRow(
        `editor keystroke to another client, demo plan, real server and WebSockets (reference), ${typing.plain.length} keys`,
        COPLAN,
        typed,
      ),
    );
    rows.push(
      latencyRow(
        `reviewer keystroke in their suggestion to another client, the same, taking turns with the editor`,
        COPLAN,
        ofSamples(typing.suggested),
        { figure: `${ratio(percentile(typing.suggested, 99), typed.p99)} the reference (p99)` },
      ),
    );
    rows.push({
      benchmark: "accept-all route: 100 suggestions in one section, one request",
      server: COPLAN,
      figure: `${round(typing.acceptAll)} ms (${typing.acceptedCount} accepted)`,
    });
  }

  if (wanted("page")) {
    const planId = coplan.room;
    const page = await measurePageRender(coplan, `/plans/${planId}`, 20, 10);
    const health = await measurePageRender(coplan, "/api/health", 20, 10);
    raw.page = { page, health };
    for (const result of [page, health]) {
      rows.push({
        benchmark: `server render ${result.path === "/api/health" ? "of /api/health (reference)" : "of the plan page"}, 20 connections, 10 s`,
        server: COPLAN,
        "p50 ms": result.p50Ms,
        "p99 ms": result.p99Ms,
        figure: `${round(result.requestsPerSecond)} req/s, ${result.errors} errors${result === page ? `; ${ratio(page.requestsPerSecond, health.requestsPerSecond)} the reference's req/s` : ""}`,
      });
    }
  }

  if (wanted("search")) {
    const plans = Number(values["search-plans"]);
    const measured = await measureSearchAndPortfolio(plans, 200);
    raw.search = measured;
    const like = ofSamples(measured.likeScan);
    rows.push(latencyRow(`search reference: LIKE scan for one word, ${plans} plans, 200 queries`, COPLAN, like));
    for (const [who, samples] of [
      ["a member of 10 plans", measured.searchMember],
      ["an administrator (all plans)", measured.searchAdmin],
    ] as const) {
      const found = ofSamples(samples);
      rows.push(
        latencyRow(`search (FTS5, snippets, membership filter) as ${who}, ${plans} plans, 200 queries`, COPLAN, found, {
          figure: `${ratio(found.p50, like.p50)} the LIKE scan (p50), ${ratio(found.p99, like.p99)} (p99)`,
        }),
      );
    }
    const readAll = ofSamples(measured.readAll);
    rows.push(latencyRow(`reading every plan's stored document (reference), ${plans} plans`, COPLAN, readAll));
    const portfolio = ofSamples(measured.portfolio);
    rows.push(
      latencyRow(
        `portfolio for an administrator, ${plans} plans, unchanged since last read, 5 runs`,
        COPLAN,
        portfolio,
        {
          figure: `${ratio(portfolio.p50, readAll.p50)} the reference (p50); first read ${round(measured.portfolioCold)} ms (${ratio(measured.portfolioCold, readAll.p50)})`,
        },
      ),
    );
    const append = ofSamples(measured.append);
    const index = ofSamples(measured.index);
    rows.push(latencyRow("storing one update (reference), 200 updates", COPLAN, append));
    rows.push(
      latencyRow("indexing the section one update changed, 200 updates", COPLAN, index, {
        figure: `${ratio(index.p50, append.p50)} the store's append (p50); done once per debounce (0.5-2 s), not per update`,
      }),
    );
  }

  if (wanted("audit")) {
    const entries = Number(values["audit-entries"]);
    const measured = measureAuditVerify(entries, 200, 5);
    raw.audit = measured;
    const read = percentile(measured.read, 50);
    const readCpu = percentile(measured.readCpu, 50);
    rows.push({
      benchmark: `audit reference: reading every entry (same query, no hashing), ${entries} entries, 5 runs`,
      server: COPLAN,
      "p50 ms": round(read),
      figure: `${round(readCpu)} ms CPU`,
    });
    const verify = percentile(measured.verify, 50);
    const verifyCpu = percentile(measured.verifyCpu, 50);
    rows.push({
      benchmark: `verify-audit's walk over ${entries} entries in ${measured.chains} chains (goal <= 2000 ms), 5 runs`,
      server: COPLAN,
      "p50 ms": round(verify),
      figure: `${round(verifyCpu)} ms CPU, ${ratio(verifyCpu, readCpu)} the reference's CPU; the whole command (Node and tsx start-up, migrations, walk) ${round(measured.commandMs)} ms`,
    });
  }
} finally {
  await Promise.all(servers.map((s) => s.stop()));
}

console.table(rows);
const out = resolve(import.meta.dirname, "results");
mkdirSync(out, { recursive: true });
writeFileSync(resolve(out, "latest.json"), JSON.stringify({ at: new Date().toISOString(), rows, raw }, null, 2));
// Destroyed providers can leave a reconnect timer behind; the results are written, so end here.
process.exit(0);
