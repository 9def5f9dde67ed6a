import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createClient } from "redis";
import { freePort } from "./free-port";

/** A redis-server of a test's own, on a free port, keeping nothing on disk. */
export interface RedisInstance {
  url: string;
  port: number;
  /** Stops it at once (as a crash would). */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
}

export async function startRedis(port?: number): Promise<RedisInstance> {
  assertInstalled();
  const chosen = port ?? (await freePort());
  let child: ChildProcess | null = null;
  const instance: RedisInstance = {
    url: `redis://127.0.0.1:${chosen}`,
    port: chosen,
    async start() {
      child = spawn(
        "redis-server",
        ["--save", "", "--appendonly", "no", "--port", String(chosen), "--bind", "127.0.0.1"],
        {
          stdio: "ignore",
        },
      );
      await waitUntilAnswering(instance.url);
    },
    async stop() {
      const running = child;
      child = null;
      if (!running || running.exitCode !== null) return;
      running.kill("SIGKILL");
      await once(running, "exit");
    },
  };
  await instance.start();
  return instance;
}

/** Whether a Redis answers PING at `url` within two seconds. */
export async function redisAnswers(url: string): Promise<boolean> {
  const client = createClient({ url, socket: { connectTimeout: 2000, reconnectStrategy: false } });
  client.on("error", () => {});
  try {
    await client.connect();
    return (await client.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    if (client.isOpen) client.destroy();
  }
}

function assertInstalled(): void {
  if (spawnSync("redis-server", ["--version"]).error) {
    throw new Error("redis-server is not installed: apt-get install redis-server (or set TEST_REDIS_URL)");
  }
}

async function waitUntilAnswering(url: string): Promise<void> {
  for (let tries = 0; tries < 100; tries++) {
    if (await redisAnswers(url)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`redis-server at ${url} did not start`);
}
