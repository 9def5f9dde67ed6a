import { and, asc, eq, gt, inArray, isNull, lte, or } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { Refusal } from "../../app/shared/errors";
import type { Store } from "../../db/store.server";
import { moduleLog } from "../log.server";
import type { SessionUser } from "../auth/sessions.server";
import type { Clock } from "../clock.server";
import { recordAudit } from "../plans/audit.server";
import type { DeputyInput } from "../../app/shared/deputy-input";
import { londonDate, londonDayEnd, londonDayStart } from "./london-days.server";

export interface DeputyshipView {
  id: number;
  deputy: { id: string; name: string; email: string; organisation: string };
  signatory: { id: string; name: string; email: string; organisation: string };
  from: string;
  until: string;
  /** Running now (otherwise it is yet to start). */
  running: boolean;
}

/**
 * The longest wait between looks for periods that have ended: a period named on another process
 * (several processes share one database) is seen within it.
 */
const MAX_TIMER_MS = 60_000;

const logger = moduleLog("deputies");

/**
 * Signatories naming a deputy for a period, and ending it (decision 0041). What a running
 * deputyship lets the deputy do is decided in `PlanAccessService`; this service tells
 * `onEnded` of each deputy whose period ended (by time, early, or replaced) the moment it does,
 * so their open connections are checked again at once.
 */
export class DeputyService {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private started = false;
  /** Periods ending at or before this instant have been told of. */
  private toldUntil: number;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly onEnded: (deputyIds: string[]) => void,
  ) {
    this.toldUntil = clock();
  }

  /** Names (or replaces) the signatory's deputy for the days `from` to `until`, inclusive. */
  async name(user: SessionUser, { email, from, until }: DeputyInput): Promise<DeputyshipView> {
    if (until < from) throw new Refusal("invalid", `until: the period ends (${until}) before it starts (${from})`);
    const now = this.clock();
    if (until < londonDate(now)) throw new Refusal("invalid", `until: ${until} has passed already`);
    if (!(await this.signsOffSomewhere(user.id))) {
      throw new Refusal("forbidden", "only a signatory of a plan names a deputy, and you sign off no plan");
    }
    const { deputyships, users } = this.store.tables;
    const [chosen] = await this.store.db.select().from(users).where(eq(users.email, email.toLowerCase()));
    if (!chosen) throw new Refusal("not-found", `no user has the email ${email}`);
    if (chosen.id === user.id) throw new Refusal("invalid", "email: you cannot be your own deputy");
    if (chosen.deactivatedAt) throw new Refusal("invalid", `${chosen.name}'s account is deactivated`);
    if (chosen.side !== user.side) {
      throw new Refusal(
        "invalid",
        `${chosen.name} is on the ${chosen.side} side; a deputy signs for your side (${user.side})`,
      );
    }
    const startsAt = new Date(londonDayStart(from));
    const endsAt = new Date(londonDayEnd(until));
    const replaced = await this.store.transaction(async (tx) => {
      // Two namings at once would each miss the other's period, and both run.
      await this.store.lock(tx, `deputyships:${user.id}`);
      // The new period replaces every one of the signatory's that it overlaps.
      const overlapping = await tx
        .select({ id: deputyships.id, deputyId: deputyships.deputyId })
        .from(deputyships)
        .where(
          and(
            eq(deputyships.signatoryId, user.id),
            isNull(deputyships.endedAt),
            gt(deputyships.endsAt, new Date(now)),
            lte(deputyships.startsAt, endsAt),
            gt(deputyships.endsAt, startsAt),
          ),
        )
        .orderBy(asc(deputyships.id));
      if (overlapping.length > 0) {
        await tx
          .update(deputyships)
          .set({ endedAt: new Date(now) })
          .where(
            inArray(
              deputyships.id,
              overlapping.map((row) => row.id),
            ),
          );
      }
      const [created] = await tx
        .insert(deputyships)
        .values({ signatoryId: user.id, deputyId: chosen.id, fromDate: from, untilDate: until, startsAt, endsAt })
        .returning({ id: deputyships.id });
      await recordAudit(
        this.store,
        {
          userId: user.id,
          type: "deputy.named",
          detail: {
            deputyshipId: created!.id,
            deputyId: chosen.id,
            from,
            until,
            replaces: overlapping.map((r) => r.id),
          },
        },
        tx,
      );
      return { id: created!.id, deputyIds: overlapping.map((row) => row.deputyId) };
    });
    this.ended(replaced.deputyIds);
    return (await this.views(eq(deputyships.id, replaced.id)))[0]!;
  }

  /** Ends the signatory's running and planned deputyships now; answers how many there were. */
  async end(userId: string): Promise<number> {
    const now = new Date(this.clock());
    const { deputyships } = this.store.tables;
    // The periods still open are ended in the update itself: one ended meanwhile is not ended twice.
    const open = await this.store.transaction(async (tx) => {
      const ended = await tx
        .update(deputyships)
        .set({ endedAt: now })
        .where(and(eq(deputyships.signatoryId, userId), isNull(deputyships.endedAt), gt(deputyships.endsAt, now)))
        .returning({ id: deputyships.id, deputyId: deputyships.deputyId });
      if (ended.length === 0) throw new Refusal("not-found", "you have no deputy named to end");
      await recordAudit(
        this.store,
        { userId, type: "deputy.ended", detail: { deputyshipIds: ended.map((row) => row.id).sort((a, b) => a - b) } },
        tx,
      );
      return ended;
    });
    this.ended(open.map((row) => row.deputyId));
    return open.length;
  }

  /** The deputies the user has named (running or planned), and whom the user stands in for. */
  async forAccount(userId: string): Promise<{ named: DeputyshipView[]; standingInFor: DeputyshipView[] }> {
    const { deputyships } = this.store.tables;
    return {
      named: await this.views(eq(deputyships.signatoryId, userId)),
      standingInFor: await this.views(eq(deputyships.deputyId, userId)),
    };
  }

  /** Today in the UK (Europe/London), by the clock deputyships are timed by. */
  today(): string {
    return londonDate(this.clock());
  }

  /** Starts the timer that tells of each period's end as it passes. */
  start(): void {
    this.started = true;
    this.schedule();
  }

  stop(): void {
    this.started = false;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async views(where: ReturnType<typeof eq>): Promise<DeputyshipView[]> {
    const now = new Date(this.clock());
    const { deputyships, users } = this.store.tables;
    const deputy = alias(users, "deputy");
    const signatory = alias(users, "signatory");
    const rows = await this.store.db
      .select({
        id: deputyships.id,
        deputy: { id: deputy.id, name: deputy.name, email: deputy.email, organisation: deputy.organisation },
        signatory: {
          id: signatory.id,
          name: signatory.name,
          email: signatory.email,
          organisation: signatory.organisation,
        },
        from: deputyships.fromDate,
        until: deputyships.untilDate,
        startsAt: deputyships.startsAt,
      })
      .from(deputyships)
      .innerJoin(deputy, eq(deputy.id, deputyships.deputyId))
      .innerJoin(signatory, eq(signatory.id, deputyships.signatoryId))
      .where(and(where, isNull(deputyships.endedAt), gt(deputyships.endsAt, now)))
      .orderBy(asc(deputyships.startsAt));
    return rows.map(({ startsAt, ...view }) => ({ ...view, running: startsAt <= now }));
  }

  private async signsOffSomewhere(userId: string): Promise<boolean> {
    const { planMembers } = this.store.tables;
    const [row] = await this.store.db
      .select({ planId: planMembers.planId })
      .from(planMembers)
      .where(
        and(
          eq(planMembers.userId, userId),
          or(eq(planMembers.role, "signatory"), and(eq(planMembers.role, "owner"), eq(planMembers.signsOff, true))),
        ),
      )
      .limit(1);
    return row !== undefined;
  }

  private ended(deputyIds: string[]): void {
    if (deputyIds.length > 0) this.onEnded([...new Set(deputyIds)]);
    if (this.started) this.schedule();
  }

  /** Tells of the periods that ended since the last look, then waits for the next end. */
  private schedule(): void {
    clearTimeout(this.timer);
    void this.look().catch((error: unknown) => {
      logger.error({ err: error }, "could not look for deputyships' ends");
      this.wait(MAX_TIMER_MS);
    });
  }

  private async look(): Promise<void> {
    const now = this.clock();
    const { deputyships } = this.store.tables;
    const passed = await this.store.db
      .select({ deputyId: deputyships.deputyId })
      .from(deputyships)
      .where(
        and(
          isNull(deputyships.endedAt),
          gt(deputyships.endsAt, new Date(this.toldUntil)),
          lte(deputyships.endsAt, new Date(now)),
        ),
      );
    this.toldUntil = now;
    if (passed.length > 0) this.onEnded([...new Set(passed.map((row) => row.deputyId))]);
    const [next] = await this.store.db
      .select({ endsAt: deputyships.endsAt })
      .from(deputyships)
      .where(and(isNull(deputyships.endedAt), gt(deputyships.endsAt, new Date(now))))
      .orderBy(asc(deputyships.endsAt))
      .limit(1);
    this.wait(next ? Math.min(next.endsAt.getTime() - now, MAX_TIMER_MS) : MAX_TIMER_MS);
  }

  private wait(ms: number): void {
    // A look still running when the service stopped must not start the timer again.
    if (!this.started) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.schedule(), Math.max(ms, 0));
    this.timer.unref();
  }
}
