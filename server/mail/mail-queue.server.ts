import { and, asc, desc, eq, inArray, isNull, lte, min } from "drizzle-orm";
import type { Store } from "../../db/store.server";
import type { MailMessage } from "../../db/schema";
import { withoutLinkTokens, withoutResetTokens } from "./link-redaction.server";
import type { MailTransport } from "./transport.server";
import { moduleLog } from "../log.server";

const logger = moduleLog("mail");

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The notifications it tells of: if all are read in the app before it is sent, it is not. */
  notificationIds?: number[];
  /** Not sent before this moment (a notification's email waits for the app to be read first). */
  notBefore?: Date;
}

export interface MailQueueOptions {
  /** Wait before the first retry; each later one waits twice as long, up to `maxDelayMs`. */
  retryBaseMs: number;
  maxDelayMs?: number;
  /** Attempts before a message is given up as `failed`. */
  maxAttempts?: number;
  log?: (line: string) => void;
}

const HOUR_MS = 60 * 60 * 1000;
const BATCH = 20;

/** The delay before the attempt after `attempts` failed ones: exponential, capped. */
export function retryDelayMs(attempts: number, baseMs: number, maxMs = HOUR_MS): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
}

/**
 * The durable mail queue. `enqueue` only inserts a row (so a request never waits on SMTP); one
 * worker sends due messages in order, retries failures with exponential backoff, and on start
 * picks up whatever an earlier process left unsent. With no transport (no SMTP_URL) a message
 * is kept in the outbox instead and logged in one line.
 */
/** The longest the sender waits before looking for mail due again. */
const SWEEP_MS = 15_000;

export class MailQueue {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private closed = false;
  /** Set by `start`: the queue is sent from the process that runs background jobs. */
  private started = false;
  private readonly maxAttempts: number;
  private readonly maxDelayMs: number;
  private readonly log: (line: string) => void;

  constructor(
    private readonly store: Store,
    private readonly transport: MailTransport | null,
    private readonly options: MailQueueOptions,
  ) {
    this.maxAttempts = options.maxAttempts ?? 10;
    this.maxDelayMs = options.maxDelayMs ?? HOUR_MS;
    this.log = options.log ?? ((line) => logger.info(line));
  }

  /** Starts the worker on what is already due (messages an earlier process left unsent). */
  start(): void {
    this.started = true;
    // Started again after losing the job lock for a while (several processes).
    this.closed = false;
    this.wake(0);
  }

  async enqueue(mail: OutgoingMail): Promise<number> {
    const { mailMessages } = this.store.tables;
    const [queued] = await this.store.db
      .insert(mailMessages)
      .values({
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        notificationIds: mail.notificationIds ?? [],
        nextAttemptAt: mail.notBefore ?? new Date(),
      })
      .returning({ id: mailMessages.id });
    this.wake(mail.notBefore ? mail.notBefore.getTime() - Date.now() : 0);
    return queued!.id;
  }

  /**
   * The newest messages first, for the administrators' outbox, with no link that still works
   * for someone else: reset links never, invitation links only while not yet delivered.
   */
  async list(limit = 200): Promise<MailMessage[]> {
    const { mailMessages } = this.store.tables;
    const messages = await this.store.db.select().from(mailMessages).orderBy(desc(mailMessages.id)).limit(limit);
    return messages.map((message) => {
      const redact = message.status === "sent" || message.status === "skipped" ? withoutLinkTokens : withoutResetTokens;
      return { ...message, text: redact(message.text), html: redact(message.html) };
    });
  }

  /** Stops the worker; an unsent message stays in the queue for the next start. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Wakes the worker, once started: a message queued before then waits for `start`. */
  private wake(delayMs: number): void {
    if (this.closed || !this.started) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), Math.max(0, delayMs));
    this.timer.unref();
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = this.sendDue()
      .catch((error: unknown) => logger.error({ err: error }, "could not send the mail due"))
      .finally(() => {
        this.running = undefined;
        void this.scheduleNext().catch((error: unknown) =>
          logger.error({ err: error }, "could not look for the next mail due"),
        );
      });
    await this.running;
  }

  private async sendDue(): Promise<void> {
    for (;;) {
      if (this.closed) return;
      const { mailMessages } = this.store.tables;
      const due = await this.store.db
        .select()
        .from(mailMessages)
        .where(and(eq(mailMessages.status, "pending"), lte(mailMessages.nextAttemptAt, new Date())))
        .orderBy(asc(mailMessages.nextAttemptAt), asc(mailMessages.id))
        .limit(BATCH);
      if (due.length === 0) return;
      for (const message of due) {
        if (this.closed) return;
        await this.deliver(message);
      }
    }
  }

  private async deliver(message: MailMessage): Promise<void> {
    if (await this.allRead(message.notificationIds)) {
      await this.finish(message, "skipped");
      return;
    }
    if (!this.transport) {
      await this.finish(message, "kept");
      this.log(`mail #${message.id} kept in the outbox (no SMTP_URL): to ${message.to}: ${message.subject}`);
      return;
    }
    try {
      await this.transport.send(message);
      await this.finish(message, "sent");
    } catch (error) {
      const attempts = message.attempts + 1;
      const reason = (error as Error).message.slice(0, 500);
      const givenUp = attempts >= this.maxAttempts;
      const { mailMessages } = this.store.tables;
      await this.store.db
        .update(mailMessages)
        .set({
          attempts,
          lastError: reason,
          status: givenUp ? "failed" : "pending",
          nextAttemptAt: new Date(Date.now() + retryDelayMs(attempts, this.options.retryBaseMs, this.maxDelayMs)),
        })
        .where(eq(mailMessages.id, message.id));
      this.log(
        `mail #${message.id} to ${message.to} not sent (attempt ${attempts}${givenUp ? ", giving up" : ""}): ${reason}`,
      );
    }
  }

  private async allRead(ids: number[]): Promise<boolean> {
    if (ids.length === 0) return false;
    const { notifications } = this.store.tables;
    const [unread] = await this.store.db
      .select({ id: notifications.id })
      .from(notifications)
      .where(and(inArray(notifications.id, ids), isNull(notifications.readAt)))
      .limit(1);
    return !unread;
  }

  /** A message sent (or not needed) no longer keeps its links' tokens, in the outbox or a backup. */
  private async finish(message: MailMessage, status: "sent" | "kept" | "skipped"): Promise<void> {
    const delivered = status !== "kept";
    const { mailMessages } = this.store.tables;
    await this.store.db
      .update(mailMessages)
      .set({
        status,
        sentAt: status === "skipped" ? null : new Date(),
        ...(delivered ? { text: withoutLinkTokens(message.text), html: withoutLinkTokens(message.html) } : {}),
      })
      .where(eq(mailMessages.id, message.id));
  }

  private async scheduleNext(): Promise<void> {
    const { mailMessages } = this.store.tables;
    const [next] = await this.store.db
      .select({ at: min(mailMessages.nextAttemptAt) })
      .from(mailMessages)
      .where(eq(mailMessages.status, "pending"));
    // Another process may queue mail while this one sends it (several processes): it is looked
    // for at least this often, however far off the next retry here is.
    this.wake(Math.min(next?.at ? next.at.getTime() - Date.now() : SWEEP_MS, SWEEP_MS));
  }
}
