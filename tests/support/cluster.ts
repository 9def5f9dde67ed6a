import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { cookieWebSocketPolyfill } from "./cookie-websocket";
import { freePort } from "./free-port";
import { startServer, type RunningServer } from "./server";
import type { TestClient } from "./yjs-client";

/** Several server processes on one PostgreSQL and one Redis, each on a port of its own. */
export interface Cluster {
  servers: (RunningServer | null)[];
  ports: number[];
  /**
   * The base URLs of the processes running and not frozen: a load balancer's health check
   * takes a process that stopped answering out of its rotation.
   */
  liveUrls(): string[];
  /** Stops process `i` in its tracks (SIGSTOP), or lets it go on (SIGCONT). */
  freeze(i: number): void;
  thaw(i: number): void;
  /** Starts process `i` again on its port (after it stopped). */
  restart(i: number, env?: Record<string, string>): Promise<RunningServer>;
  stopAll(): Promise<void>;
}

export interface ClusterOptions {
  databaseUrl: string;
  redisUrl: string;
  processes: number;
  env?: Record<string, string>;
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const ports: number[] = [];
  for (let i = 0; i < options.processes; i++) ports.push(await freePort());
  const envFor = (i: number, extra?: Record<string, string>) => ({
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: options.redisUrl,
    CLUSTER_ADDRESS: `127.0.0.1:${ports[i]}`,
    // The first process seeds the demo plan; the others find it.
    SEED_DEMO: i === 0 ? "1" : "0",
    MAX_WEBSOCKETS_PER_USER: "200",
    ...options.env,
    ...extra,
  });
  const servers: (RunningServer | null)[] = [];
  const frozen = new Set<number>();
  // One after another: the first creates the schema and the demo plan.
  for (let i = 0; i < options.processes; i++) servers.push(await startServer({ port: ports[i], env: envFor(i) }));
  return {
    servers,
    ports,
    liveUrls: () =>
      servers.flatMap((server, i) =>
        server && !frozen.has(i) && server.process.exitCode === null && server.process.signalCode === null
          ? [server.url]
          : [],
      ),
    freeze(i) {
      frozen.add(i);
      servers[i]!.process.kill("SIGSTOP");
    },
    thaw(i) {
      servers[i]!.process.kill("SIGCONT");
      frozen.delete(i);
    },
    async restart(i, env) {
      servers[i] = await startServer({ port: ports[i], env: envFor(i, { SEED_DEMO: "0", ...env }) });
      return servers[i]!;
    },
    async stopAll() {
      await Promise.all(servers.map((server) => server?.stop("SIGKILL")));
    },
  };
}

/**
 * A y-websocket client that, when its connection closes, reconnects to the next running
 * process, as a browser behind a load balancer without sticky sessions would.
 */
export function connectRotating(
  liveUrls: () => string[],
  start: number,
  planId: string,
  cookie: string,
): TestClient & { serverUrl(): string } {
  const doc = new Y.Doc();
  const wsUrl = (url: string) => `${url.replace(/^http/, "ws")}/collab`;
  let turn = start;
  const first = liveUrls()[start % liveUrls().length]!;
  const provider = new WebsocketProvider(wsUrl(first), planId, doc, {
    WebSocketPolyfill: cookieWebSocketPolyfill(cookie),
    disableBc: true,
    maxBackoffTime: 300,
  });
  provider.on("connection-close", () => {
    const urls = liveUrls();
    if (urls.length === 0) return;
    turn += 1;
    provider.serverUrl = wsUrl(urls[turn % urls.length]!);
  });
  return {
    doc,
    provider,
    serverUrl: () => provider.serverUrl,
    destroy() {
      provider.destroy();
      doc.destroy();
    },
  };
}
