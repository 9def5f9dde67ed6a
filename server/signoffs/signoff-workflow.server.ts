import { and, eq, isNotNull, isNull } from "drizzle-orm";
import { formatCalendarDate, formatDayMonth } from "../../app/shared/dates";
import { Refusal } from "../../app/shared/errors";
import { ROLE_LABEL, canSignOff, signsOffSections, type Role, type Side } from "../../app/shared/permissions";
import type { SignoffReturnView } from "../../app/shared/plan-events";
import { ukToday } from "../../app/shared/portfolio";
import type { Store } from "../../db/store.server";
import type { Notification, Plan } from "../../db/schema";
import type { SessionUser } from "../auth/sessions.server";
import type { RoomRegistry } from "../collab/rooms.server";
import type { NotificationInput, NotificationSink } from "../notifications/notification-service.server";
import { sectionUrl } from "../notifications/plan-notices.server";
import { recordAudit } from "../plans/audit.server";
import { sectionContentHash } from "./section-content.server";
import { requireSection, type SignoffService } from "./signoff-service.server";
import { endOpenRequest, freshSides } from "./signoff-workflow-records.server";

const DAY_MS = 24 * 60 * 60 * 1000;
/** How many days before its due date the people asked are reminded. */
const REMIND_DAYS_BEFORE = 2;
/** How much of a return's reason the one-line notification quotes; the email gives all of it. */
const REASON_IN_LINE = 140;

/**
 * What moves a section towards sign-off besides signing: asking for it (with a message and a
 * due date, reminded by the daily check) and returning it with a reason. Each change is
 * published with the plan's sign-off state, so open pages show it at once.
 */
export class SignoffWorkflow {
  constructor(
    private readonly store: Store,
    private readonly rooms: RoomRegistry,
    private readonly signoffs: SignoffService,
    private readonly sink: NotificationSink,
  ) {}

  /**
   * Asks the signatories of the sides that have still to sign the section (owners and editors
   * ask). The request replaces the section's open one; without a due date it keeps the open
   * one's. Answers how many people were told.
   */
  async request(
    plan: Plan,
    user: { id: string; name: string },
    role: Role,
    sectionKey: string,
    ask: { message?: string; dueDate?: string },
  ): Promise<{ notified: number }> {
    if (role !== "owner" && role !== "editor") {
      throw new Refusal("forbidden", "only the plan's owners and editors ask for sign-off");
    }
    const section = requireSection(plan, sectionKey);
    const state = (await this.signoffs.current(plan)).sections[sectionKey]!;
    const signed = new Set(state.records.filter((r) => r.fresh).map((r) => r.side));
    const waiting = section.signoff.filter((side) => !signed.has(side));
    if (waiting.length === 0) throw new Refusal("conflict", `"${section.title}" is already signed off by every side`);
    const message = ask.message ? ask.message : null;
    const dueDate = ask.dueDate ?? state.due;
    const { signoffRequests } = this.store.tables;
    const requestId = await this.store.transaction(async (tx) => {
      // The open request is read, then ended: two at once would each end it and both stay open.
      await this.store.lock(tx, `plan:${plan.id}`);
      const replaced = await endOpenRequest(tx, this.store.tables, plan.id, sectionKey);
      const [created] = await tx
        .insert(signoffRequests)
        .values({ planId: plan.id, sectionKey, requestedBy: user.id, sides: waiting, message, dueDate })
        .returning({ id: signoffRequests.id });
      await recordAudit(
        this.store,
        {
          planId: plan.id,
          userId: user.id,
          type: "signoff.requested",
          detail: { sectionKey, sides: waiting, dueDate, message, requestId: created!.id, replaces: replaced },
        },
        tx,
      );
      return created!.id;
    });
    await this.signoffs.changed(plan);
    const asked = (await this.signatories(plan.id, waiting)).filter((m) => m.id !== user.id);
    const detail = [
      message ? `${user.name} writes: “${message}”` : "",
      dueDate ? dueSentence(dueDate, ukToday(new Date())) : "",
    ].filter(Boolean);
    await this.sink.notify(
      asked.map((m) => ({
        userId: m.id,
        type: "signoff-requested",
        planId: plan.id,
        sectionKey,
        text: `${user.name} asks you to sign off “${section.title}” in ${plan.title}${dueDate ? ` by ${formatDayMonth(dueDate)}` : ""}`,
        detail: detail.join("\n"),
        url: sectionUrl(plan.id, sectionKey),
        eventKey: `signoff-request:${requestId}`,
      })),
      user.id,
    );
    return { notified: asked.length };
  }

  /**
   * Sends the section back with a reason: signatories of a side the section needs do. It stands
   * until the section next changes, ends the open request, and tells the plan's owners and
   * editors and whoever asked for the sign-off.
   */
  async returnSection(
    plan: Plan,
    user: SessionUser,
    member: { role: Role; signsOff: boolean },
    sectionKey: string,
    reason: string,
  ): Promise<SignoffReturnView> {
    const section = requireSection(plan, sectionKey);
    if (!signsOffSections(member.role, member.signsOff)) {
      throw new Refusal(
        "forbidden",
        `only a signatory (or an owner made one) returns sections; your role on this plan is ${ROLE_LABEL[member.role]}`,
      );
    }
    if (!canSignOff(member.role, user.side, section.signoff, member.signsOff)) {
      throw new Refusal(
        "forbidden",
        `"${section.title}" is signed off by the ${section.signoff.join(" and ")} side; you sign for the ${user.side} side`,
      );
    }
    const requester = (await this.signoffs.current(plan)).sections[sectionKey]!.request?.by.id ?? null;
    const contentHash = await this.rooms.read(plan.id, (doc) => sectionContentHash(doc, sectionKey));
    const { signoffReturns } = this.store.tables;
    const returned = await this.store.transaction(async (tx) => {
      await this.store.lock(tx, `plan:${plan.id}`);
      const endedRequest = await endOpenRequest(tx, this.store.tables, plan.id, sectionKey);
      const [created] = await tx
        .insert(signoffReturns)
        .values({ planId: plan.id, sectionKey, userId: user.id, side: user.side, reason, contentHash })
        .returning();
      await recordAudit(
        this.store,
        {
          planId: plan.id,
          userId: user.id,
          type: "signoff.returned",
          detail: { sectionKey, side: user.side, reason, contentHash, returnId: created!.id, endedRequest },
        },
        tx,
      );
      return created!;
    });
    await this.signoffs.changed(plan);
    const told = new Set([
      ...(await this.members(plan.id)).filter((m) => m.role === "owner" || m.role === "editor").map((m) => m.id),
      ...(requester ? [requester] : []),
    ]);
    const line = reason.length > REASON_IN_LINE ? `${reason.slice(0, REASON_IN_LINE - 1)}…` : reason;
    await this.sink.notify(
      [...told].map((userId) => ({
        userId,
        type: "signoff-returned",
        planId: plan.id,
        sectionKey,
        text: `${user.name} returned “${section.title}” in ${plan.title}: ${line}`,
        detail: `The reason ${user.name} gave: “${reason}”\nThe return stands until someone changes the section.`,
        url: sectionUrl(plan.id, sectionKey),
        eventKey: `signoff-returned:${returned.id}`,
      })),
      user.id,
    );
    return {
      by: { id: user.id, name: user.name, organisation: user.organisation },
      reason,
      at: returned.returnedAt.toISOString(),
    };
  }

  /**
   * For every open request with a due date, tells the people asked whose side has still to sign
   * (two days before the date, and once it has passed): once each per request. Answers how many
   * were told.
   */
  async remindDue(now = new Date()): Promise<NotificationInput[]> {
    const today = ukToday(now);
    const { signoffRequests, users, plans } = this.store.tables;
    const due = await this.store.db
      .select({
        id: signoffRequests.id,
        planId: signoffRequests.planId,
        sectionKey: signoffRequests.sectionKey,
        sides: signoffRequests.sides,
        dueDate: signoffRequests.dueDate,
        message: signoffRequests.message,
        requester: users.name,
      })
      .from(signoffRequests)
      .innerJoin(users, eq(users.id, signoffRequests.requestedBy))
      .where(and(isNull(signoffRequests.endedAt), isNotNull(signoffRequests.dueDate)));
    const items: NotificationInput[] = [];
    for (const request of due) {
      const dueDate = request.dueDate!;
      const days = Math.round((Date.parse(`${dueDate}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / DAY_MS);
      if (days > REMIND_DAYS_BEFORE) continue;
      const [plan] = await this.store.db.select().from(plans).where(eq(plans.id, request.planId));
      const section = plan?.template.sections.find((s) => s.key === request.sectionKey);
      if (!plan || !section) continue;
      // One plan's content (or a fault reading it) never stops the reminders of the others.
      try {
        const hash = await this.rooms.read(plan.id, (doc) => sectionContentHash(doc, section.key));
        const signed = await freshSides(this.store.db, this.store.tables, plan.id, section.key, hash);
        const waiting = request.sides.filter((side) => !signed.has(side));
        const when = formatDayMonth(dueDate);
        const text =
          days < 0
            ? `Your sign-off of “${section.title}” in ${plan.title} was due on ${when}`
            : `Your sign-off of “${section.title}” in ${plan.title} is due ${days === 0 ? "today" : `on ${when}`}`;
        const detail = [
          `${request.requester} asked for it${request.message ? `: “${request.message}”` : "."}`,
          days < 0 ? `It was due on ${formatCalendarDate(dueDate)}.` : `It is due ${formatCalendarDate(dueDate)}.`,
        ].join("\n");
        for (const person of await this.signatories(plan.id, waiting)) {
          items.push({
            userId: person.id,
            type: "signoff-due",
            planId: plan.id,
            sectionKey: section.key,
            text,
            detail,
            url: sectionUrl(plan.id, section.key),
            eventKey: `signoff-due:${days < 0 ? "after" : "before"}:${request.id}`,
          });
        }
      } catch (error) {
        console.error(`sign-off reminders: skipped plan ${plan.id}:`, error);
      }
    }
    await this.sink.notify(items, null);
    return items;
  }

  /**
   * Whether a notice about signing still says something when its email is due. A request or a
   * reminder does not once its request has ended or their side has a fresh sign-off of the
   * section; "changed since you signed it off" does not once their side has signed it afresh.
   * Other notices always stand.
   */
  async stillAsked(
    notice: Pick<Notification, "type" | "userId" | "planId" | "sectionKey" | "eventKey">,
  ): Promise<boolean> {
    const asking = notice.type === "signoff-requested" || notice.type === "signoff-due";
    if (!asking && notice.type !== "signoff-stale") return true;
    if (!notice.planId || !notice.sectionKey) return true;
    const { planId, sectionKey } = notice;
    // A request or reminder whose request has ended (answered by a return, or asked again) asks nothing.
    const requestId = asking ? Number(notice.eventKey.split(":").at(-1)) : NaN;
    const { db, tables } = this.store;
    const { signoffRequests, users, plans } = tables;
    if (Number.isInteger(requestId)) {
      const [request] = await db
        .select({ endedAt: signoffRequests.endedAt })
        .from(signoffRequests)
        .where(eq(signoffRequests.id, requestId));
      if (request?.endedAt) return false;
    }
    const [person] = await db.select({ side: users.side }).from(users).where(eq(users.id, notice.userId));
    const [plan] = await db.select().from(plans).where(eq(plans.id, planId));
    if (!person || !plan) return true;
    const hash = await this.rooms.read(plan.id, (doc) => sectionContentHash(doc, sectionKey));
    return !(await freshSides(db, tables, planId, sectionKey, hash)).has(person.side);
  }

  private members(planId: string) {
    const { planMembers, users } = this.store.tables;
    return this.store.db
      .select({ id: users.id, side: users.side, role: planMembers.role, signsOff: planMembers.signsOff })
      .from(planMembers)
      .innerJoin(users, eq(users.id, planMembers.userId))
      .where(eq(planMembers.planId, planId));
  }

  /** The plan's members who sign off for one of `sides`. */
  private async signatories(planId: string, sides: readonly Side[]) {
    return (await this.members(planId)).filter((m) => signsOffSections(m.role, m.signsOff) && sides.includes(m.side));
  }
}

/** What a request's email says of its date: a date already past is overdue, not one to meet. */
function dueSentence(dueDate: string, today: string): string {
  return dueDate < today
    ? `It was due on ${formatCalendarDate(dueDate)}.`
    : `Please sign it off by ${formatCalendarDate(dueDate)}.`;
}
