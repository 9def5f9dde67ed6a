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
