import type { DocStore, StoredDoc } from "../collab/doc-store.server";
import type { PostgresDocStore } from "../collab/postgres-doc-store.server";
import { isLease } from "./plan-leases.server";
import { PlanHeldElsewhere, type PlanOwnership } from "./plan-ownership.server";

/** The plan's lease ran out and another process took it: nothing was stored. */
export class LeaseLost extends Error {
  constructor(planId: string) {
    super(`this process no longer holds plan ${planId}`);
  }
}

/**
 * The document store of a process among several: a plan is loaded only by the process that
 * holds its lease, and each append and compaction goes in only while that lease is the plan's
 * (one statement each, `PostgresDocStore.appendAsOwner`). A write refused so tells the ownership,
 * which closes the plan here; the room relays nothing it could not store.
 */
export class OwnedDocStore implements DocStore {
  /** `fenced: false` is for one test only: it shows the cluster tests catch a split brain. */
  constructor(
    private readonly store: PostgresDocStore,
    private readonly ownership: PlanOwnership,
    private readonly fenced = true,
  ) {}

  async load(planId: string): Promise<StoredDoc> {
    const held = await this.ownership.claim(planId);
    if (!isLease(held)) throw new PlanHeldElsewhere(held);
    return this.store.load(planId);
  }

  async append(planId: string, update: Uint8Array): Promise<number> {
    const lease = this.leaseOf(planId);
    if (!this.fenced) return this.store.append(planId, update);
    const seq = await this.store.appendAsOwner(planId, update, lease);
    if (seq !== null) return seq;
    this.ownership.lost(planId, lease);
    throw new LeaseLost(planId);
  }

  async compact(planId: string, state: Uint8Array, upToUpdateId: number): Promise<void> {
    const lease = this.leaseOf(planId);
    if (!this.fenced) return this.store.compact(planId, state, upToUpdateId);
    if (await this.store.compactAsOwner(planId, state, upToUpdateId, lease)) return;
    this.ownership.lost(planId, lease);
    throw new LeaseLost(planId);
  }

  /** Anyone may read what is stored, without taking the plan. */
  peek(planId: string): Promise<StoredDoc> {
    return this.store.load(planId);
  }

  /** The plan closed here: another process may take it at once. */
  unloaded(planId: string): Promise<void> {
    return this.ownership.release(planId);
  }

  private leaseOf(planId: string) {
    const lease = this.ownership.leaseOf(planId);
    if (!lease) throw new LeaseLost(planId);
    return lease;
  }
}
