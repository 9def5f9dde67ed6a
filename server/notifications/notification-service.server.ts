import { and, count, desc, eq, gt, isNull } from "drizzle-orm";
import type { NotificationType } from "../../app/shared/notification-types";
import type { Store } from "../../db/store.server";
import type { Notification } from "../../db/schema";
import type { MailQueue } from "../mail/mail-queue.server";
import { digestMail, notificationMail } from "../mail/messages.server";
import type { PublicLinks } from "../mail/public-links.server";
import type { EventBus } from "../events/event-bus.server";

/** One thing to tell one person; `eventKey` names the event, so it is told to them once. */
export interface NotificationInput {
  userId: string;
  type: NotificationType;
  planId: string | null;
  text: string;
  /** A path in the app, e.g. `/plans/:id#section-key`. */
  url: string;
  eventKey: string;
  /** The section it is about, if one. */
  sectionKey?: string | null;
  /** What the email says besides `text`: a comment's words, a request's message; one paragraph a line. */
  detail?: string | null;
}

export interface NotificationView {
  id: number;
  type: NotificationType;
  planId: string | null;
  text: string;
  url: string;
  createdAt: string;
  readAt: string | null;
}

/** What the services that see events call: who caused it is never told of it. */
export interface NotificationSink {
  notify(items: NotificationInput[], causedBy: string | null): Promise<void>;
}

export interface NotificationOptions {
  /** How long a notification waits before its email goes, so reading it in the app first saves the email. */
  emailDelayMs: number;
  /** Emails one person gets one by one in an hour; past that they come as one digest. */
  fewPerHour?: number;
  /** Whether a notification still says something when its email is due (false: no email). */
  stillApt?: (notification: Notification) => boolean | Promise<boolean>;
}

const HOUR_MS = 60 * 60 * 1000;
/** `mailedAt` of a notification decided not to be emailed (read first, or its type turned off). */
const NO_EMAIL = new Date(0);
type Listener = (unread: number, latest: NotificationView | null) => void;

/**
 * Notifications: stored one per event per person, pushed at once to that person's open pages,
 * and emailed after a short wait unless the person turned that type off or read it first; more
 * than a few in an hour are gathered into one digest.
 */
/** How often the process sending emails looks for notifications not yet emailed. */
const EMAIL_SWEEP_MS = 60_000;

export class NotificationService implements NotificationSink {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly emailTimers = new Map<string, NodeJS.Timeout>();
  /** Whether this process sends the emails (a background job, on one process). */
  private emailing = false;
  private sweeper: NodeJS.Timeout | undefined;
  private readonly fewPerHour: number;

  constructor(
    private readonly store: Store,
    private readonly mail: MailQueue,
    private readonly links: PublicLinks,
    private readonly options: NotificationOptions,
    private readonly events: EventBus,
  ) {
    this.fewPerHour = options.fewPerHour ?? 3;
    events.subscribe("notifications-changed", ({ userId, latest }) => {
      this.tellListeners(userId, latest).catch((error: unknown) =>
        console.error(`notifications: could not tell user ${userId}'s open pages:`, error),
      );
      // A new notification, made by whichever process: the one sending emails times its email.
      if (latest) this.scheduleEmail(userId);
    });
  }

  /** Starts sending emails (on the process that runs background jobs), first those an earlier process left. */
  start(): void {
    this.emailing = true;
    const sweep = () =>
      this.scheduleLeftEmails().catch((error: unknown) =>
        console.error("notification emails: could not read those waiting:", error),
      );
    void sweep();
    // Notifications made on another process are timed from the event bus; one whose event was
    // lost (Redis down) is found by this sweep.
    this.sweeper = setInterval(() => void sweep(), EMAIL_SWEEP_MS);
    this.sweeper.unref();
  }

  private async scheduleLeftEmails(): Promise<void> {
    const { notifications } = this.store.tables;
    const waiting = await this.store.db
      .selectDistinct({ userId: notifications.userId })
      .from(notifications)
      .where(isNull(notifications.mailedAt));
    for (const { userId } of waiting) this.scheduleEmail(userId);
  }

  async notify(items: NotificationInput[], causedBy: string | null): Promise<void> {
    const { notifications } = this.store.tables;
    for (const item of items) {
      if (item.userId === causedBy) continue;
      // The unique (user, event) index decides, so two processes telling one event store it once.
      const [created] = await this.store.db.insert(notifications).values(item).onConflictDoNothing().returning();
      if (!created) continue;
      this.push(item.userId, toView(created));
    }
  }

  async list(userId: string, limit = 100): Promise<NotificationView[]> {
    const { notifications } = this.store.tables;
    const rows = await this.store.db
      .select()
      .from(notifications)
      .where(eq(notifications.userId, userId))
      .orderBy(desc(notifications.id))
      .limit(limit);
    return rows.map(toView);
  }

  async unreadCount(userId: string): Promise<number> {
    const { notifications } = this.store.tables;
    const [row] = await this.store.db
      .select({ n: count() })
      .from(notifications)
      .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
    return row?.n ?? 0;
  }

  /** Marks one of the person's notifications read; false if they have none with that id. */
  async markRead(userId: string, id: number): Promise<boolean> {
    const { notifications } = this.store.tables;
    const mine = and(eq(notifications.userId, userId), eq(notifications.id, id));
    // Unread is a condition of the write: of two requests marking it, one changes it and pushes.
    const marked = await this.store.db
      .update(notifications)
      .set({ readAt: new Date() })
      .where(and(mine, isNull(notifications.readAt)))
      .returning({ id: notifications.id });
    if (marked.length > 0) {
      this.push(userId, null);
      return true;
    }
    const [row] = await this.store.db.select({ id: notifications.id }).from(notifications).where(mine);
    return row !== undefined;
  }

  async markAllRead(userId: string): Promise<void> {
    const { notifications } = this.store.tables;
    await this.store.db
      .update(notifications)
      .set({ readAt: new Date() })
      .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
    this.push(userId, null);
  }

  /** Calls `listener` with the unread count whenever it changes, until the returned function is called. */
  subscribe(userId: string, listener: Listener): () => void {
    let set = this.listeners.get(userId);
    if (!set) this.listeners.set(userId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(userId);
    };
  }

  close(): void {
    this.emailing = false;
    clearInterval(this.sweeper);
    for (const timer of this.emailTimers.values()) clearTimeout(timer);
    this.emailTimers.clear();
  }

  /** Tells every process with the person's streams open (this one included) that their notifications changed. */
  private push(userId: string, latest: NotificationView | null): void {
    this.events.publish({ type: "notifications-changed", userId, latest });
  }

  /** Sends this process's open streams of the person the unread count, read once for all of them. */
  private async tellListeners(userId: string, latest: NotificationView | null): Promise<void> {
    const set = this.listeners.get(userId);
    if (!set) return;
    const unread = await this.unreadCount(userId);
    for (const listener of set) listener(unread, latest);
  }

  private scheduleEmail(userId: string): void {
    if (!this.emailing || this.emailTimers.has(userId)) return;
    const timer = setTimeout(() => {
      this.emailTimers.delete(userId);
      this.sendEmails(userId).catch((error: unknown) =>
        console.error(`notification emails: could not send those of user ${userId}:`, error),
      );
    }, this.options.emailDelayMs);
    timer.unref();
    this.emailTimers.set(userId, timer);
  }

  /**
   * Emails what the person has not read and not been emailed about: one by one while they have
   * had only a few this hour, else all of it in one digest.
   */
  private async sendEmails(userId: string): Promise<void> {
    const { notifications, notificationOptOuts, users } = this.store.tables;
    const [user] = await this.store.db.select().from(users).where(eq(users.id, userId));
    const waiting = await this.store.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, userId), isNull(notifications.mailedAt)))
      .orderBy(notifications.id);
    if (waiting.length === 0) return;
    const optedOut = new Set(
      (
        await this.store.db
          .select({ type: notificationOptOuts.type })
          .from(notificationOptOuts)
          .where(eq(notificationOptOuts.userId, userId))
      ).map((row) => row.type),
    );
    const toSend: Notification[] = [];
    if (user && !user.deactivatedAt) {
      for (const n of waiting) if (!n.readAt && !optedOut.has(n.type) && (await this.stillApt(n))) toSend.push(n);
    }
    const now = new Date();
    const [mailed] = await this.store.db
      .select({ n: count() })
      .from(notifications)
      .where(and(eq(notifications.userId, userId), gt(notifications.mailedAt, new Date(now.getTime() - HOUR_MS))));
    const mailedThisHour = mailed?.n ?? 0;
    const sending = new Set(toSend.map((n) => n.id));
    // Each is claimed by the update that finds it unmailed: a send of the person's begun meanwhile
    // (its timer fired while this one awaited) that claimed one first emails it, this one does not.
    const claimed = new Set<number>();
    await this.store.transaction(async (tx) => {
      for (const n of waiting) {
        const marked = await tx
          .update(notifications)
          .set({ mailedAt: sending.has(n.id) ? now : NO_EMAIL })
          .where(and(eq(notifications.id, n.id), isNull(notifications.mailedAt)))
          .returning({ id: notifications.id });
        if (marked.length > 0) claimed.add(n.id);
      }
    });
    const mine = toSend.filter((n) => claimed.has(n.id));
    if (!user || mine.length === 0) return;
    const settingsUrl = this.links.url("/account");
    const emails = sameEmailsAsOne(mine);
    if (mailedThisHour + emails.length <= this.fewPerHour) {
      for (const { first, ids } of emails) {
        await this.mail.enqueue({
          to: user.email,
          notificationIds: ids,
          ...notificationMail({ text: first.text, detail: first.detail, url: this.links.url(first.url), settingsUrl }),
        });
      }
      return;
    }
    await this.mail.enqueue({
      to: user.email,
      notificationIds: mine.map((n) => n.id),
      ...digestMail({
        items: emails.map(({ first }) => ({ text: first.text, detail: first.detail, url: this.links.url(first.url) })),
        settingsUrl,
      }),
    });
  }

  private async stillApt(notification: Notification): Promise<boolean> {
    try {
      return (await this.options.stillApt?.(notification)) ?? true;
    } catch (error) {
      // Unsure whether it still applies: telling too much beats telling nothing.
      console.error(`notification ${notification.id}: could not check whether it still applies:`, error);
      return true;
    }
  }
}

/**
 * Notifications that would read the same by email (two sign-offs of one section gone stale
 * by one edit, say) as one email naming them all.
 */
function sameEmailsAsOne(items: readonly Notification[]): { first: Notification; ids: number[] }[] {
  const groups = new Map<string, { first: Notification; ids: number[] }>();
  for (const n of items) {
    const key = JSON.stringify([n.type, n.text, n.url, n.detail]);
    const group = groups.get(key);
    if (group) group.ids.push(n.id);
    else groups.set(key, { first: n, ids: [n.id] });
  }
  return [...groups.values()];
}

function toView(row: Notification): NotificationView {
  return {
    id: row.id,
    type: row.type,
    planId: row.planId,
    text: row.text,
    url: row.url,
    createdAt: row.createdAt.toISOString(),
    readAt: row.readAt?.toISOString() ?? null,
  };
}
