import { availableParallelism, loadavg } from "node:os";
import { Worker } from "node:worker_threads";

/**
 * Polls `/api/health` from a worker thread until stopped, so that building an attack in the
 * test's own thread does not count as the server being slow; the stop function answers the
 * slowest reply in milliseconds (Infinity if one failed).
 */
export function watchHealth(baseUrl: string): () => Promise<number> {
  const worker = new Worker(
    `
    const { parentPort, workerData } = require("node:worker_threads");
    let worst = 0;
    let running = true;
    parentPort.on("message", () => { running = false; });
    (async () => {
      while (running) {
        const started = performance.now();
        try {
          const response = await fetch(workerData.url, { signal: AbortSignal.timeout(30000) });
          await response.json();
          worst = Math.max(worst, performance.now() - started);
        } catch {
          worst = Infinity;
          break;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      parentPort.postMessage(worst);
    })();
    `,
    { eval: true, workerData: { url: `${baseUrl}/api/health` } },
  );
  return () =>
    new Promise((resolve) => {
      worker.once("message", (worst: number) => {
        void worker.terminate();
        resolve(worst);
      });
      worker.postMessage("stop");
    });
}

/**
 * The issue's bound on a /api/health answer (500 ms), scaled by how oversubscribed this
 * machine's cores are right now, at most 4x. On a machine running several processes per core
 * every answer first waits for its turn: with a load of 14 on 2 cores (four other developers'
 * test runs) /api/health alone took 200-600 ms, whatever the server was doing. On an idle
 * machine this is exactly 500 ms; the freezes it catches took 2-18 s.
 */
export function healthBoundMs(): number {
  const oversubscribed = loadavg()[0]! / availableParallelism();
  return 500 * Math.min(4, Math.max(1, oversubscribed));
}
