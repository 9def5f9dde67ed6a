import { randomUUID } from "node:crypto";
import { PostgresStore, SqliteStore, type Store } from "../../db/store.server";
import type { PgDb } from "../../db/postgres/client.server";
import { SqliteDocStore, type DocStore } from "../collab/doc-store.server";
import { PostgresDocStore } from "../collab/postgres-doc-store.server";
import type { CollabCluster } from "../collab/websocket.server";
import type { Env } from "../env.server";
import { InProcessEventBus, type EventBus } from "../events/event-bus.server";
import { RedisEventBus } from "../events/redis-event-bus.server";
import { SingleProcessLock, type JobLock } from "../jobs/job-runner.server";
import { RedisJobLock } from "../jobs/redis-job-lock.server";
import { MemoryLimitStore, RedisLimitStore, type LimitStore } from "../limit-store.server";
import { moduleLog } from "../log.server";
import { clusterSecret } from "./cluster-secret.server";
import { OwnedDocStore } from "./owned-doc-store.server";
import { PlanLeases } from "./plan-leases.server";
import { PlanOwnership } from "./plan-ownership.server";
import { connectRedis, disconnectRedis } from "./redis.server";

const logger = moduleLog("cluster");

/**
 * What differs between the three ways Coplan runs (decision 0048): one process on SQLite (the
 * default), one on PostgreSQL (DATABASE_URL), and several on PostgreSQL and Redis (REDIS_URL
 * too), where each open plan is owned by one process and the rest forward to it.
 */
export interface Deployment {
  events: EventBus;
  limitStore: LimitStore;
  jobLock: JobLock;
  docStore: DocStore;
  /** Among several processes: where plans are served, for the sync server. */
  cluster(sessionSecret: string): CollabCluster | undefined;
  /** Whether this process owns the plan now; one process owns every plan. */
  ownsPlan(planId: string): boolean;
  /**
   * Among several processes, the rooms the leases follow: `close` a plan whose lease was lost;
   * `isOpen` tells a plan still loaded (or loading) here from one whose lease no room needs.
   */
  followRooms(rooms: { close(planId: string): void; isOpen(planId: string): boolean }): void;
  /** Gives up every plan this process owns, then leaves Redis. */
  close(): Promise<void>;
}

export async function openDeployment(env: Env, store: Store): Promise<Deployment> {
  if (store instanceof SqliteStore) return single(new SqliteDocStore(store.sync, store.gate));
  if (!(store instanceof PostgresStore)) throw new Error("an unknown kind of store");
  const postgres = store.postgres as PgDb;
  if (!env.REDIS_URL) return single(new PostgresDocStore(postgres));

  const redisUrl = env.REDIS_URL;
  const redis = await connectRedis(redisUrl, "shared limits and jobs");
  const events = await RedisEventBus.open(redisUrl, "coplan:events");
  const ttlMs = env.PLAN_LEASE_SECONDS * 1000;
  const address = env.CLUSTER_ADDRESS ?? `127.0.0.1:${env.PORT}`;
  const fenced = !env.UNFENCED_FOR_TESTS;
  if (!fenced) logger.warn("UNFENCED_FOR_TESTS is set: plans are not fenced, and two processes may serve one");
  let rooms = { close: (_planId: string) => {}, isOpen: (_planId: string) => true };
  const ownership = new PlanOwnership(
    new PlanLeases(postgres, randomUUID(), address, ttlMs),
    Math.floor(ttlMs / 3),
    (planId) => rooms.close(planId),
    fenced,
    (planId) => rooms.isOpen(planId),
  );
  ownership.start();
  return {
    events,
    limitStore: new RedisLimitStore(redis, "coplan:limits:"),
    jobLock: new RedisJobLock(redis, "coplan:jobs"),
    docStore: new OwnedDocStore(new PostgresDocStore(postgres), ownership, fenced),
    cluster: (sessionSecret) => ({ place: (planId) => ownership.claim(planId), secret: clusterSecret(sessionSecret) }),
    ownsPlan: (planId) => ownership.leaseOf(planId) !== undefined,
    followRooms: (followed) => (rooms = followed),
    async close() {
      await ownership.releaseAll();
      events.close();
      disconnectRedis(redis);
    },
  };
}

function single(docStore: DocStore): Deployment {
  return {
    events: new InProcessEventBus(),
    limitStore: new MemoryLimitStore(),
    jobLock: new SingleProcessLock(),
    docStore,
    cluster: () => undefined,
    ownsPlan: () => true,
    followRooms: () => {},
    close: async () => {},
  };
}
