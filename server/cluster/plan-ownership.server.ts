import { moduleLog } from "../log.server";
import { isLease, type Holder, type Lease, type PlanLeases } from "./plan-leases.server";

const logger = moduleLog("cluster");

/** Another process holds the plan: its frames go there. */
export class PlanHeldElsewhere extends Error {
  constructor(readonly holder: Holder) {
    super(`plan is held by the process at ${holder.address}`);
  }
}

/**
 * The plans this process owns, each by a lease it renews (decision 0048). A plan is claimed when
 * someone opens it here and no other process holds it; a lease that cannot be renewed (this
 * process froze past its expiry, or the database was out of reach that long) is dropped, and
 * `onLost` closes the plan here without storing anything more.
 */
export class PlanOwnership {
  private readonly held = new Map<string, Lease>();
  private readonly claiming = new Map<string, Promise<Lease | Holder>>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  /**
   * `fenced: false` (one test only) keeps a plan whose lease could not be renewed. `isOpen` tells
   * whether a room still needs a plan's lease: one taken for a connection that never came (the
   * client left during the handshake) is given up at the next renewal.
   */
  constructor(
    private readonly leases: PlanLeases,
    private readonly renewEveryMs: number,
    private readonly onLost: (planId: string) => void,
    private readonly fenced = true,
    private readonly isOpen: (planId: string) => boolean = () => true,
  ) {}

  /** Renews every held lease every `renewEveryMs`. */
  start(): void {
    const tick = () => {
      this.timer = setTimeout(() => void this.renewAll().finally(() => !this.stopped && tick()), this.renewEveryMs);
      this.timer.unref();
    };
    tick();
  }

  /** This process's lease on the plan, if it holds one. */
  leaseOf(planId: string): Lease | undefined {
    return this.held.get(planId);
  }

  /** Takes the plan if no one holds it (or keeps it); otherwise answers who holds it. */
  claim(planId: string): Promise<Lease | Holder> {
    const lease = this.held.get(planId);
    if (lease) return Promise.resolve(lease);
    const pending = this.claiming.get(planId);
    if (pending) return pending;
    const claiming = this.leases.acquire(planId).then((result) => {
      if (isLease(result) && !this.stopped) this.held.set(planId, result);
      return result;
    });
    this.claiming.set(planId, claiming);
    return claiming.finally(() => this.claiming.delete(planId));
  }

  /** Forgets a lease that a fenced write found gone, and closes the plan here. */
  lost(planId: string, lease: Lease): void {
    if (this.held.get(planId) !== lease) return;
    this.held.delete(planId);
    logger.warn({ planId, epoch: lease.epoch }, "lost the lease on a plan; another process serves it now");
    this.onLost(planId);
  }

  /** Gives a plan up at once, so another process can take it without waiting for the expiry. */
  async release(planId: string): Promise<void> {
    const lease = this.held.get(planId);
    if (!lease) return;
    this.held.delete(planId);
    await this.leases.release(lease);
  }

  /** Stops renewing and gives every plan up (a graceful stop). */
  async releaseAll(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await Promise.allSettled([...this.held.keys()].map((planId) => this.release(planId)));
  }

  private async renewAll(): Promise<void> {
    await Promise.all(
      [...this.held.values()].map(async (lease) => {
        if (!this.isOpen(lease.planId) && !this.claiming.has(lease.planId)) return this.release(lease.planId);
        let renewed: boolean;
        try {
          renewed = await this.leases.renew(lease);
        } catch (error) {
          // The database is out of reach: the lease runs out unless a later renewal gets through,
          // and a write meanwhile is fenced by the database's clock, not ours.
          logger.warn({ err: error, planId: lease.planId }, "could not renew a plan's lease");
          return;
        }
        if (!renewed && this.fenced) this.lost(lease.planId, lease);
      }),
    );
  }
}
