import { Piscina } from "piscina";
import { moduleLog } from "../log.server";

const logger = moduleLog("pdf");

export interface ExportQueueOptions {
  /** The module whose default export builds one export, run in a worker thread. */
  workerFile: string;
  /** Worker threads, so at most this many exports are built at once. */
  workers: number;
  /** Exports that may wait for a free worker; past that, new ones are refused. */
  queueSize: number;
  /** An export still building this long after it started is stopped, with its worker. */
  timeoutMs: number;
  /** Each worker's heap limit: a worker that needs more dies, and only its export fails. */
  memoryMb: number;
  /** Exports one person may start in any sixty seconds (one at a time in any case). */
  perUserPerMinute: number;
  now?: () => number;
}

/** Why an export was not accepted (try again later) or did not finish. */
export type ExportRefusal = "busy" | "too-many" | "queue-full";
export type ExportFailure = "timeout" | "crashed";

export type ExportOutcome<Result> =
  | { ok: true; result: Result }
  | { ok: false; reason: ExportRefusal; error: string; retryAfterSeconds: number }
  | { ok: false; reason: ExportFailure; error: string };

export interface ExportQueueStatus {
  workers: number;
  running: number;
  waiting: number;
  queueSize: number;
  /** The asker's own exports; `ahead` counts the exports that run before theirs starts. */
  mine: { planId: string; state: "waiting" | "running"; ahead: number }[];
}

interface Entry {
  userId: string;
  planId: string;
  /** Being read from the plan while the entry waits its turn. */
  job: Promise<unknown>;
  settle: (outcome: ExportOutcome<unknown>) => void;
}

const MINUTE_MS = 60_000;
/** A guess at an export's length until one has been timed. */
const FIRST_ESTIMATE_MS = 5_000;
/** How much of the running estimate the latest export's time makes up. */
const ESTIMATE_WEIGHT = 0.3;
/** Workers nobody has needed for this long exit, giving their memory back. */
const IDLE_WORKER_MS = 60_000;
/** Worker threads run below the event loop's priority, so requests are answered first. */
const WORKER_NICE = 5;

/**
 * Builds exports in a bounded pool of worker threads (piscina), so that a long export never
 * holds up the event loop. In front of the pool sits a first-come queue of bounded length in
 * which each person may have one export at a time and a few a minute; what cannot be taken is
 * refused at once with a time to try again. The queue, not piscina's, does the waiting, so it
 * knows everyone's place in line and times an export from when it starts, not from when it
 * was asked for.
 */
export class ExportQueue {
  private readonly pool: Piscina;
  private readonly waiting: Entry[] = [];
  private readonly running = new Set<Entry>();
  private readonly started = new Map<string, number[]>();
  private estimateMs = FIRST_ESTIMATE_MS;
  private readonly now: () => number;

  constructor(private readonly options: ExportQueueOptions) {
    this.now = options.now ?? Date.now;
    this.pool = new Piscina({
      filename: options.workerFile,
      minThreads: 0,
      maxThreads: options.workers,
      idleTimeout: IDLE_WORKER_MS,
      resourceLimits: { maxOldGenerationSizeMb: options.memoryMb },
      execArgv: workerExecArgv(),
      niceIncrement: WORKER_NICE,
    });
  }

  /**
   * Takes an export for `userId` if the limits allow, then calls `prepare` for the job sent to
   * the worker (so a refused export costs nothing) and resolves once the worker is done. The
   * entry holds its place while `prepare` reads the plan; if that fails, so does the export.
   */
  run<Job, Result>(userId: string, planId: string, prepare: () => Job | Promise<Job>): Promise<ExportOutcome<Result>> {
    const refused = this.admit(userId);
    if (refused) return Promise.resolve(refused);
    const job = (async () => prepare())();
    // Rejections are handled where the job is awaited; this only keeps one waiting in line quiet.
    job.catch(() => undefined);
    const entry: Entry = { userId, planId, job, settle: () => {} };
    const outcome = new Promise<ExportOutcome<Result>>((resolve) => {
      entry.settle = resolve as (outcome: ExportOutcome<unknown>) => void;
    });
    this.waiting.push(entry);
    this.startWaiting();
    return outcome;
  }

  status(userId: string): ExportQueueStatus {
    const mine: ExportQueueStatus["mine"] = [];
    for (const entry of this.running) {
      if (entry.userId === userId) mine.push({ planId: entry.planId, state: "running", ahead: 0 });
    }
    this.waiting.forEach((entry, index) => {
      if (entry.userId === userId)
        mine.push({ planId: entry.planId, state: "waiting", ahead: this.running.size + index });
    });
    return {
      workers: this.options.workers,
      running: this.running.size,
      waiting: this.waiting.length,
      queueSize: this.options.queueSize,
      mine,
    };
  }

  /** Stops every worker; exports still waiting or running fail. */
  async close(): Promise<void> {
    for (const entry of this.waiting.splice(0))
      entry.settle({ ok: false, reason: "crashed", error: "The server is restarting: export again in a moment." });
    await this.pool.destroy();
  }

  private admit(userId: string): ExportOutcome<never> | null {
    const now = this.now();
    const recent = (this.started.get(userId) ?? []).filter((at) => at > now - MINUTE_MS);
    if (recent.length > 0) this.started.set(userId, recent);
    else this.started.delete(userId);

    const own = [...this.running, ...this.waiting].find((entry) => entry.userId === userId);
    if (own) {
      const seconds = this.secondsUntil(this.status(userId).mine[0]!.ahead + 1);
      return {
        ok: false,
        reason: "busy",
        error: `You already have a PDF export in progress: wait for it to finish (about ${seconds} s), then try again.`,
        retryAfterSeconds: seconds,
      };
    }
    if (recent.length >= this.options.perUserPerMinute) {
      const seconds = Math.max(1, Math.ceil((recent[0]! + MINUTE_MS - now) / 1000));
      return {
        ok: false,
        reason: "too-many",
        error: `You can start ${this.options.perUserPerMinute} PDF ${this.options.perUserPerMinute === 1 ? "export" : "exports"} a minute and have reached that: try again in ${seconds} s.`,
        retryAfterSeconds: seconds,
      };
    }
    if (this.running.size >= this.options.workers && this.waiting.length >= this.options.queueSize) {
      const seconds = this.secondsUntil(1);
      return {
        ok: false,
        reason: "queue-full",
        error: `The server is busy with ${this.running.size + this.waiting.length} other PDF exports: try again in about ${seconds} s.`,
        retryAfterSeconds: seconds,
      };
    }
    recent.push(now);
    this.started.set(userId, recent);
    return null;
  }

  /** Roughly when `exports` more exports will have finished, from how long recent ones took. */
  private secondsUntil(exports: number): number {
    return Math.max(1, Math.ceil((Math.ceil(exports / this.options.workers) * this.estimateMs) / 1000));
  }

  private startWaiting(): void {
    while (this.running.size < this.options.workers && this.waiting.length > 0) {
      const entry = this.waiting.shift()!;
      this.running.add(entry);
      void this.build(entry);
    }
  }

  private async build(entry: Entry): Promise<void> {
    const startedAt = this.now();
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), this.options.timeoutMs);
    try {
      const result = await this.pool.run(await entry.job, { signal: timeout.signal });
      const took = this.now() - startedAt;
      this.estimateMs = this.estimateMs * (1 - ESTIMATE_WEIGHT) + took * ESTIMATE_WEIGHT;
      entry.settle({ ok: true, result });
    } catch (error) {
      if (timeout.signal.aborted) {
        entry.settle({
          ok: false,
          reason: "timeout",
          error: `The PDF took longer than ${Math.round(this.options.timeoutMs / 1000)} s to build and was stopped. Try again later; if it keeps happening, the plan may be too large to export.`,
        });
      } else {
        logger.error({ err: error }, "PDF export failed in its worker");
        entry.settle({
          ok: false,
          reason: "crashed",
          error:
            "The PDF could not be built: the export stopped unexpectedly. Try again; if it keeps happening, the plan may be too large to export.",
        });
      }
    } finally {
      clearTimeout(timer);
      this.running.delete(entry);
      this.startWaiting();
    }
  }
}

/**
 * Workers inherit the process's flags, so under `node --import tsx` they load the TypeScript
 * worker module as the server does; a process started without tsx (a test runner) adds it.
 */
function workerExecArgv(): string[] {
  const flags = process.execArgv;
  return flags.some((flag) => /(^|[=/])tsx(\/|$)/.test(flag)) ? flags : [...flags, "--import", "tsx"];
}
