import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { SqliteDb } from "../../db/client.server";
import { openStore, type SqliteStore } from "../../db/store.server";
import { mailMessages } from "../../db/schema";
import { MailQueue, retryDelayMs } from "../../server/mail/mail-queue.server";
import { smtpTransport } from "../../server/mail/transport.server";
import { tempDatabasePath } from "../support/server";
import { startMailbox, type TestMailbox } from "../support/smtp";

const FROM = "Coplan <coplan@test.example>";
const mail = (to: string) => ({ to, subject: `For ${to}`, text: `Hello ${to}`, html: `<p>Hello ${to}</p>` });

describe("the mail queue, against a real SMTP server", () => {
  let mailbox: TestMailbox;
  let path: string;
  const open: { store: SqliteStore; db: SqliteDb; queue: MailQueue }[] = [];

  async function startQueue(transportUrl: string | null, log?: (line: string) => void) {
    const store = await openStore({ databasePath: path });
    const db = store.sync;
    const queue = new MailQueue(store, transportUrl ? smtpTransport(transportUrl, FROM) : null, {
      retryBaseMs: 100,
      log: log ?? (() => undefined),
    });
    queue.start();
    const entry = { store, db, queue };
    open.push(entry);
    return entry;
  }

  async function stop(entry: (typeof open)[number]) {
    await entry.queue.close();
    await entry.store.close();
    open.splice(open.indexOf(entry), 1);
  }

  beforeEach(async () => {
    mailbox = await startMailbox();
    path = tempDatabasePath();
  });

  afterEach(async () => {
    for (const entry of [...open]) await stop(entry);
    await mailbox.close();
  });

  it("sends a message with its sender, subject, text and HTML", async () => {
    const { queue } = await startQueue(mailbox.url);
    await queue.enqueue(mail("ann@example.org"));
    const received = await mailbox.waitFor((m) => m.subject === "For ann@example.org");
    expect(received.from?.value[0]).toMatchObject({ name: "Coplan", address: "coplan@test.example" });
    expect(received.text?.trim()).toBe("Hello ann@example.org");
    expect(received.html).toContain("<p>Hello ann@example.org</p>");
  });

  it("retries a message the SMTP server refused, and delivers it once it accepts", async () => {
    mailbox.refuseNext(2);
    const { db, queue } = await startQueue(mailbox.url);
    const id = await queue.enqueue(mail("bob@example.org"));
    await mailbox.waitFor((m) => m.subject === "For bob@example.org");
    expect(mailbox.refused).toBe(2);
    const row = () => db.select().from(mailMessages).where(eq(mailMessages.id, id)).get()!;
    await vi.waitFor(() => expect(row().status).toBe("sent"));
    expect(row().attempts).toBe(2);
    expect(row().lastError).toMatch(/451/);
    expect(mailbox.messages.filter((m) => m.subject === "For bob@example.org")).toHaveLength(1);
  });

  it("keeps an undelivered message across a restart and delivers it after", async () => {
    mailbox.refuseNext(1_000);
    const first = await startQueue(mailbox.url);
    const id = await first.queue.enqueue(mail("cat@example.org"));
    await vi.waitFor(
      () => expect(first.db.select().from(mailMessages).where(eq(mailMessages.id, id)).get()!.attempts).toBe(1),
      { timeout: 10_000 },
    );
    await stop(first);

    mailbox.refuseNext(0);
    const second = await startQueue(mailbox.url);
    await mailbox.waitFor((m) => m.subject === "For cat@example.org");
    await vi.waitFor(
      () => expect(second.db.select().from(mailMessages).where(eq(mailMessages.id, id)).get()!.status).toBe("sent"),
      { timeout: 10_000 },
    );
  });

  it("with no SMTP server, keeps the message in the outbox and logs it in one line", async () => {
    const lines: string[] = [];
    const { db, queue } = await startQueue(null, (line) => lines.push(line));
    const id = await queue.enqueue(mail("dan@example.org"));
    await vi.waitFor(() =>
      expect(db.select().from(mailMessages).where(eq(mailMessages.id, id)).get()!.status).toBe("kept"),
    );
    expect(lines).toEqual([
      expect.stringMatching(/^mail #\d+ kept in the outbox .*dan@example\.org: For dan@example\.org$/),
    ]);
    expect((await queue.list())[0]).toMatchObject({ to: "dan@example.org", status: "kept" });
  });

  it("waits twice as long after each failure, up to an hour", () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 30_000))).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(retryDelayMs(20, 30_000)).toBe(60 * 60 * 1000);
  });
});
