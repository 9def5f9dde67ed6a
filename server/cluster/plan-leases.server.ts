import { sql } from "drizzle-orm";
import type { PgDb } from "../../db/postgres/client.server";

/** A process's hold on one plan: while its epoch is the lease's, its writes to the plan go in. */
export interface Lease {
  planId: string;
  owner: string;
  epoch: number;
}

/** Who holds a plan, to forward its frames to. */
export interface Holder {
  owner: string;
  address: string;
}

/**
 * Plan ownership across processes (issue: several processes). Each open plan has one owner,
 * holding a row with an expiry by the database's clock, never the processes' own; each new owner
 * raises the epoch, and every stored update is inserted only while its writer's epoch is the
 * row's (`PostgresDocStore.appendAsOwner`), so an owner that froze past its expiry and woke can
 * store nothing more for the plan.
 */
export class PlanLeases {
  constructor(
    private readonly db: PgDb,
    private readonly owner: string,
    private readonly address: string,
    private readonly ttlMs: number,
  ) {}

  /**
   * Takes the plan when no one holds it, the holder's lease ran out, or this process holds it
   * already (a new epoch, which fences whatever of this process wrote under the old one);
   * otherwise answers who holds it.
   */
  async acquire(planId: string): Promise<Lease | Holder> {
    const taken = await this.db.execute<{ epoch: string }>(sql`
      insert into plan_leases (plan_id, owner, address, epoch, expires_at)
      values (${planId}, ${this.owner}, ${this.address}, 1, now() + ${this.ttl()})
      on conflict (plan_id) do update
        set owner = excluded.owner, address = excluded.address,
            epoch = plan_leases.epoch + 1, expires_at = excluded.expires_at
        where plan_leases.expires_at <= now() or plan_leases.owner = excluded.owner
      returning epoch`);
    const row = taken.rows[0];
    if (row) return { planId, owner: this.owner, epoch: Number(row.epoch) };
    const holder = await this.db.execute<{ owner: string; address: string }>(
      sql`select owner, address from plan_leases where plan_id = ${planId}`,
    );
    // Expired and taken by someone else between the two statements: ask again.
    return holder.rows[0] ?? this.acquire(planId);
  }

  /** Pushes the expiry on; false when the lease was lost (expired and taken, or given up). */
  async renew(lease: Lease): Promise<boolean> {
    const renewed = await this.db.execute(sql`
      update plan_leases set expires_at = now() + ${this.ttl()}
      where plan_id = ${lease.planId} and owner = ${lease.owner} and epoch = ${lease.epoch} and expires_at > now()`);
    return (renewed.rowCount ?? 0) === 1;
  }

  /** Gives the plan up at once (a graceful stop), so another process can take it without waiting for the expiry. */
  async release(lease: Lease): Promise<void> {
    await this.db.execute(sql`
      update plan_leases set expires_at = now() - interval '1 millisecond'
      where plan_id = ${lease.planId} and owner = ${lease.owner} and epoch = ${lease.epoch}`);
  }

  private ttl() {
    return sql`make_interval(secs => ${this.ttlMs / 1000})`;
  }
}

export function isLease(held: Lease | Holder): held is Lease {
  return "epoch" in held;
}
