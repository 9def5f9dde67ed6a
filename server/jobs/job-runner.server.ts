import { moduleLog } from "../log.server";

const logger = moduleLog("jobs");

/**
 * Who may run the jobs that must run on one process only (sending mail twice, or telling
 * someone of a due date twice, would be wrong): this process alone, or with several processes
 * a key in Redis with an expiry the holder renews (`RedisJobLock`).
 */
export interface JobLock {
  /** Tries to become the holder, or stay it; true while this process holds the lock. */
  acquire(): Promise<boolean>;
  /** How often to ask again: to renew the lock, or to take it when its holder has gone. */
  readonly renewEveryMs?: number;
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
 * gives the lock up when the process stops. With a lock that must be renewed it asks again
 * every so often: a process that takes the lock starts the jobs, one that loses it stops them.
 */
export class JobRunner {
  private readonly jobs: BackgroundJob[] = [];
  private running: BackgroundJob[] = [];
  private stopped = false;
  private held = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly lock: JobLock) {}

  add(job: BackgroundJob): void {
    this.jobs.push(job);
  }

  /** Starts every job if this process holds the lock; answers whether it does. */
  async start(): Promise<boolean> {
    const held = await this.check();
    if (this.lock.renewEveryMs && !this.stopped) this.scheduleCheck(this.lock.renewEveryMs);
    return held;
  }

  /** Whether this process holds the lock, and so runs the jobs. */
  get holding(): boolean {
    return this.held;
  }

  private scheduleCheck(everyMs: number): void {
    this.timer = setTimeout(() => {
      void this.check().finally(() => {
        if (!this.stopped) this.scheduleCheck(everyMs);
      });
    }, everyMs);
    this.timer.unref();
  }

  private async check(): Promise<boolean> {
    const held = await this.lock.acquire();
    if (this.stopped) return false;
    if (!held) {
      if (this.held) {
        logger.warn("the job lock was lost; background jobs stop here");
        await this.stopJobs();
      }
      return false;
    }
    if (!this.held) this.startJobs();
    return true;
  }

  private startJobs(): void {
    this.held = true;
    for (const job of this.jobs) {
      try {
        job.start();
        this.running.push(job);
      } catch (error) {
        logger.error({ err: error }, `could not start the background job "${job.name}"`);
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.stopJobs();
    await this.lock.release();
  }

  private async stopJobs(): Promise<void> {
    this.held = false;
    const running = this.running;
    this.running = [];
    await Promise.all(running.map(async (job) => job.stop()));
  }
}
