import autocannon from "autocannon";
import type { BenchServer } from "./servers";

export interface PageRender {
  path: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

/** `connections` clients asking for `path` back to back for `seconds`, signed in as the owner. */
export async function measurePageRender(
  server: BenchServer,
  path: string,
  connections: number,
  seconds: number,
): Promise<PageRender> {
  const result = await autocannon({
    url: `${server.httpUrl}${path}`,
    connections,
    duration: seconds,
    headers: { cookie: server.cookie! },
  });
  return {
    path,
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.non2xx + result.timeouts,
  };
}
