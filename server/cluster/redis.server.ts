import { createClient } from "redis";
import { moduleLog } from "../log.server";

const logger = moduleLog("redis");

export type Redis = ReturnType<typeof createClient>;

/** How long to wait before the next reconnection: doubling from 50 ms, at most a second. */
function reconnectDelay(retries: number): number {
  return Math.min(50 * 2 ** retries, 1000);
}

/**
 * Connects to Redis and keeps reconnecting while it is down. Commands made meanwhile fail at
 * once rather than queue: what rides on Redis (live events, shared rate limits, the job lock) can
 * wait or be lost, and nothing that decides whether an edit is stored depends on it.
 */
export async function connectRedis(url: string, role: string): Promise<Redis> {
  const client: Redis = createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 2000, reconnectStrategy: reconnectDelay },
  });
  let down = false;
  client.on("error", (error: Error) => {
    if (down) return;
    down = true;
    logger.warn({ err: error, role }, "Redis is unreachable; live events and shared limits wait for it");
  });
  client.on("ready", () => {
    if (!down) return;
    down = false;
    logger.info({ role }, "Redis is reachable again");
  });
  await client.connect();
  return client;
}

/** Closes the connection without waiting for Redis, which may be down. */
export function disconnectRedis(client: Redis): void {
  if (client.isOpen) client.destroy();
}
