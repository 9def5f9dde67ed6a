import { moduleLog } from "../log.server";

const logger = moduleLog("jobs");

/**
 * Who may run the jobs that must run on one process only (sending mail twice, or telling
 * someone of a due date twice, would be wrong). With several processes it would be a lease
 * (a row in PostgreSQL, or a key in Redis, with an expiry the holder renews).
 */
export interface JobLock {
  /** Tries to become the holder, or stay it; true while this process holds the lock. */
  acquire(): Promise<boolean>;
  /** Gives the lock up, so another process may take it at once. */
  release(): Promise<void>;
}

/** One process serves everything, so it always holds the lock. */
export class SingleProcessLock implements JobLock {
  async acquire(): Promise<boolean> {
    return true;
  }

  async release(): Promise<void> {}
}

/** Work that runs in the background of the process holding the job lock. */
export interface BackgroundJob {
  name: string;
  start(): void;
  stop(): void | Promise<void>;
}

/**
 * Starts the background jobs (mail, notification emails, the daily check, deputyships' ends,
 * the search backfill) on the process that holds the job lock, and only there; stops them and
 * gives the lock up when the process stops.
 */
export class JobRunner {
  private readonly jobs: BackgroundJob[] = [];
  private running: BackgroundJob[] = [];
  private stopped = false;

  constructor(private readonly lock: JobLock) {}

  add(job: BackgroundJob): void {
    this.jobs.push(job);
  }

  /** Starts every job if this process holds the lock; answers whether it does. */
  async start(): Promise<boolean> {
    if (!(await this.lock.acquire()) || this.stopped) return false;
    for (const job of this.jobs) {
      try {
        job.start();
        this.running.push(job);
      } catch (error) {
        logger.error({ err: error }, `could not start the background job "${job.name}"`);
      }
    }
    return true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const running = this.running;
    this.running = [];
    await Promise.all(running.map(async (job) => job.stop()));
    await this.lock.release();
  }
}
