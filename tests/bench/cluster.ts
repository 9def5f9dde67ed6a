/**
 * Coplan as several processes (PostgreSQL and Redis, each plan owned by one process, the others
 * forwarding its connections): edit latency beside one process on SQLite and on PostgreSQL, the
 * time a plan is out of reach after its owner is killed, the price of one stored update on
 * PostgreSQL beside SQLite, and each process's CPU per relayed message.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { sql } from "drizzle-orm";
import pg from "pg";
import * as Y from "yjs";
import { sectionFragmentName } from "../../app/shared/doc-names";
import { closePostgres, openPostgres } from "../../db/postgres/client.server";
import { plans } from "../../db/postgres/schema";
import { PostgresDocStore } from "../../server/collab/postgres-doc-store.server";
import { TEMPLATES_DIR } from "../../server/services.server";
import { loadTemplates } from "../../server/templates/template-files.server";
import { connectRotating, startCluster, type Cluster } from "../support/cluster";
import { demoPlanId, signIn } from "../support/http";
import { startRedis, type RedisInstance } from "../support/redis-instance";
import { connectClient, waitFor, waitForSync, type TestClient } from "../support/yjs-client";
import { measureCommitLatency } from "./commit-latency";
import { runLoad } from "./load/run-load";
import type { ServerTarget } from "./load/protocol";
import { findCapacity, summarise, type Propagation } from "./propagation";
import { startCoplan, trackProcess, type BenchServer } from "./servers";

export const SQLITE_ONE = "Coplan, SQLite, 1 process";
export const POSTGRES_ONE = "Coplan, PostgreSQL, 1 process";
export const CLUSTER_OWNER = "Coplan, 3 processes, clients on the owner";
export const CLUSTER_SPREAD = "Coplan, 3 processes, clients spread over all 3";

const PROCESSES = 3;
/** Hundreds of clients of one user from one address. */
const LOAD_ENV = { MAX_CONNECTIONS_PER_ADDRESS: "100000", MAX_WEBSOCKETS_PER_USER: "100000", CREATE_RATE_LIMITS: "0" };
const POSTGRES_SERVER = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export interface ClusterLatency extends Propagation {
  setup: string;
  /** Server CPU seconds per relayed message (each incoming message to every other client), per process. */
  cpuPerRelayed: number[];
  relayedPerSecond: number;
}

export interface ClusterBench {
  latency: ClusterLatency[];
  /** SIGKILL of the owner to a post-kill edit reaching a client on another process, ms, per try (Infinity: not within 30 s). */
  failoverMs: number[];
  leaseSeconds: number;
  commit: { sqlite: number[]; postgres: number[]; postgresAsOwner: number[]; settings: string };
  capacity?: { sqlite: Awaited<ReturnType<typeof findCapacity>>; postgres: Awaited<ReturnType<typeof findCapacity>> };
}

export async function measureCluster(options: {
  clients: number[];
  seconds: number;
  failoverTries: number;
  commits: number;
  capacitySteps: number[];
  leaseSeconds?: number;
}): Promise<ClusterBench> {
  const leaseSeconds = options.leaseSeconds ?? 3;
  const cleanup: (() => Promise<void>)[] = [];
  try {
    const commitDb = await createDatabase();
    cleanup.push(commitDb.drop);
    const commit = {
      sqlite: await measureCommitLatency(options.commits),
      ...(await measurePostgresCommit(commitDb.url, options.commits)),
    };

    const sqlite = await startCoplan({ env: LOAD_ENV });
    cleanup.push(sqlite.stop);
    const onePgDb = await createDatabase();
    cleanup.push(onePgDb.drop);
    const postgres = await startCoplan({ env: { ...LOAD_ENV, DATABASE_URL: onePgDb.url } });
    cleanup.push(postgres.stop);

    const clusterDb = await createDatabase();
    cleanup.push(clusterDb.drop);
    const redis: RedisInstance = await startRedis();
    cleanup.push(redis.stop);
    const clusterEnv = { ...LOAD_ENV, PLAN_LEASE_SECONDS: String(leaseSeconds) };
    const cluster = await startCluster({
      databaseUrl: clusterDb.url,
      redisUrl: redis.url,
      processes: PROCESSES,
      env: clusterEnv,
    });
    const untrack: (() => void)[] = [];
    cleanup.push(async () => untrack.forEach((forget) => forget()));
    cleanup.push(() => cluster.stopAll());
    for (const server of cluster.servers) untrack.push(trackProcess(server!.process.pid!));
    const cookie = await signIn(cluster.servers[0]!.url, "owner@swindon.example");
    const room = await demoPlanId(cluster.servers[0]!.url, cookie);
    // One client keeps the plan open (and owned) between the runs.
    const primer = connectClient(cluster.servers[0]!.url, room, cookie);
    await waitForSync(primer, 20_000);
    const owner = await waitForOwner(clusterDb.url, cluster, room);
    const wsUrl = (i: number) => `${cluster.servers[i]!.url.replace(/^http/, "ws")}/collab`;
    const pids = cluster.servers.map((s) => s!.process.pid!);
    const onOwner: ServerTarget = { protocol: "y-websocket", wsUrl: wsUrl(owner), room, cookie };
    const spread: ServerTarget = { ...onOwner, wsUrls: cluster.servers.map((_, i) => wsUrl(i)) };

    const latency: ClusterLatency[] = [];
    for (const clients of options.clients) {
      latency.push(await measured(SQLITE_ONE, sqlite, [sqlite.pid], clients, options.seconds));
      latency.push(await measured(POSTGRES_ONE, postgres, [postgres.pid], clients, options.seconds));
      latency.push(await measured(CLUSTER_OWNER, onOwner, [pids[owner]!], clients, options.seconds));
      latency.push(await measured(CLUSTER_SPREAD, spread, pids, clients, options.seconds));
    }
    primer.destroy();

    const failoverMs: number[] = [];
    for (let tryNumber = 0; tryNumber < options.failoverTries; tryNumber++) {
      try {
        failoverMs.push(await measureFailover(cluster, clusterDb.url, room, cookie, tryNumber, clusterEnv, untrack));
      } catch (error) {
        // Not editable again within 30 s: reported as such; the cluster is one process short now.
        console.error(`[bench] cluster failover try ${tryNumber}: ${String(error)}`);
        failoverMs.push(Number.POSITIVE_INFINITY);
        break;
      }
    }

    const capacity =
      options.capacitySteps.length > 0
        ? {
            sqlite: await findCapacity(sqlite, options.capacitySteps, options.seconds),
            postgres: await findCapacity(postgres, options.capacitySteps, options.seconds),
          }
        : undefined;
    return { latency, failoverMs, leaseSeconds, commit, capacity };
  } finally {
    for (const step of cleanup.reverse()) await step().catch(() => {});
  }
}

/** One load run, with the CPU time each of `pids` used over it. */
async function measured(
  setup: string,
  target: ServerTarget,
  pids: number[],
  clients: number,
  seconds: number,
): Promise<ClusterLatency> {
  let before: number[] = [];
  let after: number[] = [];
  const load = await runLoad(target, {
    clients,
    seconds,
    onRun: (phase) => {
      if (phase === "start") before = pids.map(processCpuSeconds);
      else after = pids.map(processCpuSeconds);
    },
  });
  const relayed = load.actions * (clients - 1);
  const name = { name: setup } as BenchServer;
  return {
    ...summarise(name, load),
    setup,
    cpuPerRelayed: pids.map((_, i) => (after[i]! - before[i]!) / relayed),
    // The clients act through the warm-up (1 s) and the measured seconds.
    relayedPerSecond: relayed / (seconds + 1),
  };
}

/**
 * A writer and a watcher, each on a process that does not own the plan; the writer types a
 * marker every 20 ms; the owner is killed; returns the ms from the kill until the watcher holds
 * a marker typed after it. The killed process is started again for the next try.
 */
async function measureFailover(
  cluster: Cluster,
  databaseUrl: string,
  room: string,
  cookie: string,
  tryNumber: number,
  env: Record<string, string>,
  untrack: (() => void)[],
): Promise<number> {
  const clients: TestClient[] = [];
  try {
    const first = connectRotating(() => cluster.liveUrls(), 0, room, cookie);
    clients.push(first);
    await waitForSync(first, 20_000);
    const owner = await waitForOwner(databaseUrl, cluster, room);
    const others = [0, 1, 2].filter((i) => i !== owner);
    const writer = connectRotating(() => cluster.liveUrls(), others[0]!, room, cookie);
    const watcher = connectRotating(() => cluster.liveUrls(), others[1]!, room, cookie);
    clients.push(writer, watcher);
    await Promise.all([waitForSync(writer, 20_000), waitForSync(watcher, 20_000)]);
    first.destroy();

    const section = sectionFragmentName("customer-insight");
    const paragraph = new Y.XmlElement("paragraph");
    const text = new Y.XmlText();
    paragraph.insert(0, [text]);
    writer.doc.getXmlFragment(section).insert(0, [paragraph]);
    const typedAt: number[] = [];
    let killedAt = Infinity;
    let recoveredAt = 0;
    const marker = new RegExp(`f${tryNumber}-(\\d+),`, "g");
    watcher.doc.on("update", () => {
      if (recoveredAt || killedAt === Infinity) return;
      const seen = watcher.doc.getXmlFragment(section).toJSON().matchAll(marker);
      for (const [, n] of seen) if (typedAt[Number(n)]! >= killedAt) recoveredAt = performance.now();
    });
    let typing = true;
    const typist = (async () => {
      for (let n = 0; typing; n++) {
        typedAt[n] = performance.now();
        text.insert(text.length, `f${tryNumber}-${n},`);
        await sleep(20);
      }
    })();
    await sleep(500);
    cluster.servers[owner]!.process.kill("SIGKILL");
    killedAt = performance.now();
    await cluster.servers[owner]!.stop("SIGKILL");
    cluster.servers[owner] = null;
    await waitFor(() => recoveredAt > 0, 30_000, "an edit typed after the kill to reach the watcher");
    typing = false;
    await typist;
    untrack.push(trackProcess((await cluster.restart(owner, env)).process.pid!));
    return recoveredAt - killedAt;
  } finally {
    for (const client of clients) client.destroy();
  }
}

/** The cost of one stored update on PostgreSQL: a plain append, and the cluster's fenced append. */
async function measurePostgresCommit(
  url: string,
  appends: number,
): Promise<{ postgres: number[]; postgresAsOwner: number[]; settings: string }> {
  const db = await openPostgres(url, 1);
  try {
    const template = [...loadTemplates(TEMPLATES_DIR).values()][0]!;
    await db
      .insert(plans)
      .values({ id: "plan", title: "Commit latency", area: "Bench", templateId: template.id, template });
    await db.execute(sql`insert into plan_leases (plan_id, owner, address, epoch, expires_at)
      values ('plan', 'bench', '127.0.0.1:1', 1, now() + interval '1 hour')`);
    const lease = { planId: "plan", owner: "bench", epoch: 1 };
    const store = new PostgresDocStore(db);
    const update = new Uint8Array(24).fill(7);
    const time = async (append: () => Promise<unknown>) => {
      const samples: number[] = [];
      for (let i = 0; i < appends; i++) {
        const start = process.hrtime.bigint();
        await append();
        samples.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
      return samples;
    };
    const postgres = await time(() => store.append("plan", update));
    const postgresAsOwner = await time(() => store.appendAsOwner("plan", update, lease));
    const settings = [];
    for (const name of ["synchronous_commit", "fsync", "wal_sync_method"]) {
      const { rows } = await db.execute<Record<string, string>>(sql.raw(`show ${name}`));
      settings.push(`${name}=${Object.values(rows[0] ?? {})[0]}`);
    }
    return { postgres, postgresAsOwner, settings: settings.join(", ") };
  } finally {
    await closePostgres(db);
  }
}

/** Which process holds the plan's lease, by index, once one does. */
async function waitForOwner(databaseUrl: string, cluster: Cluster, planId: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (let tries = 0; tries < 200; tries++) {
      const { rows } = await client.query<{ address: string }>(
        "select address from plan_leases where plan_id = $1 and expires_at > now()",
        [planId],
      );
      const index = rows[0] ? cluster.ports.indexOf(Number(rows[0].address.split(":").pop())) : -1;
      if (index >= 0 && cluster.servers[index]) return index;
      await sleep(50);
    }
    throw new Error("no process took the plan");
  } finally {
    await client.end();
  }
}

/** A new database of the bench's own on the machine's PostgreSQL, dropped after. */
async function createDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `coplan_bench_${randomBytes(6).toString("hex")}`;
  await onServer(`create database ${name}`);
  const url = new URL(POSTGRES_SERVER);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => onServer(`drop database if exists ${name} with (force)`) };
}

async function onServer(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_SERVER });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** utime + stime of a process, in seconds (Linux). */
function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
