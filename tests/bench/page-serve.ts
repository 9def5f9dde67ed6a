import { request } from "node:http";
import { performance } from "node:perf_hooks";
import { percentile } from "./stats";
import type { BenchServer } from "./servers";

export interface PageServe {
  path: string;
  /** Request to the page's last byte, one request at a time, brotli accepted. */
  p50Ms: number;
  /** The page's HTML as rendered, and as sent brotli-compressed (the same when the server sends it plain). */
  htmlBytes: number;
  sentBytes: number;
}

/** Asks for `path` `runs` times, one after another, as the bench's signed-in user. */
export async function measurePageServe(server: BenchServer, path: string, runs: number): Promise<PageServe> {
  const times: number[] = [];
  let sentBytes = 0;
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    const response = await get(`${server.httpUrl}${path}`, server.cookie!);
    times.push(performance.now() - start);
    sentBytes = response.sent;
  }
  const htmlBytes = (await get(`${server.httpUrl}${path}`, server.cookie!, "identity")).sent;
  return { path, p50Ms: percentile(times, 50), htmlBytes, sentBytes };
}

function get(url: string, cookie: string, encoding = "br, gzip"): Promise<{ sent: number; encoding?: string }> {
  return new Promise((done, fail) => {
    const req = request(url, { headers: { cookie, "accept-encoding": encoding } }, (res) => {
      let sent = 0;
      res.on("data", (chunk: Buffer) => (sent += chunk.length));
      res.on("end", () => done({ sent, encoding: res.headers["content-encoding"] }));
      res.on("error", fail);
    });
    req.on("error", fail);
    req.end();
  });
}
