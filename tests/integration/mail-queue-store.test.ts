import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { MailMessage } from "../../db/schema";
import type { Store } from "../../db/store.server";
import { createUser, newUserSchema } from "../../server/auth/users.server";
import { MailQueue } from "../../server/mail/mail-queue.server";
import type { MailTransport } from "../../server/mail/transport.server";
import { openTestStore, STORE_KINDS, type TestStore } from "../support/stores";

const mail = (to: string, extra: { notBefore?: Date; notificationIds?: number[] } = {}) => ({
  to,
  subject: `For ${to}`,
  text: `Hello ${to}: http://coplan.test/invitations/${"t".repeat(43)}`,
  html: `<p>Hello ${to}</p>`,
  ...extra,
});

describe.each(STORE_KINDS)("the mail queue on the %s store", (kind) => {
  let opened: TestStore;
  let store: Store;
  const queues: MailQueue[] = [];

  beforeAll(async () => {
    opened = await openTestStore(kind);
    store = opened.store;
  });
  afterAll(async () => {
    for (const queue of queues) await queue.close();
    await opened?.dispose();
  });

  function queue(transport: MailTransport | null) {
    const made = new MailQueue(store, transport, { retryBaseMs: 50, maxAttempts: 2, log: () => undefined });
    queues.push(made);
    return made;
  }
  const row = async (id: number) => {
    const { mailMessages } = store.tables;
    return (await store.db.select().from(mailMessages).where(eq(mailMessages.id, id)))[0]!;
  };

  it("sends what is due in order, waits for a later message's time, and forgets sent links", async () => {
    const sent: string[] = [];
    const mails = queue({ send: async (message: MailMessage) => void sent.push(message.to) });
    const later = await mails.enqueue(mail("later@example.org", { notBefore: new Date(Date.now() + 300) }));
    const first = await mails.enqueue(mail("first@example.org"));
    const second = await mails.enqueue(mail("second@example.org"));
    expect((await mails.list()).map((m) => m.id)).toEqual([second, first, later]);
    mails.start();
    await vi.waitFor(() => expect(sent).toEqual(["first@example.org", "second@example.org"]));
    expect((await row(later)).status).toBe("pending");
    await vi.waitFor(() => expect(sent).toHaveLength(3), { timeout: 3000 });
    const delivered = await row(later);
    expect(delivered.status).toBe("sent");
    expect(delivered.sentAt).toBeInstanceOf(Date);
    expect(delivered.text).not.toContain("t".repeat(43));
    await mails.close();
  });

  it("retries a failure with its error kept, then gives up after the last attempt", async () => {
    const mails = queue({
      send: async () => {
        throw new Error("451 try later");
      },
    });
    const id = await mails.enqueue(mail("fail@example.org"));
    mails.start();
    await vi.waitFor(async () => expect((await row(id)).status).toBe("failed"), { timeout: 3000 });
    expect(await row(id)).toMatchObject({ attempts: 2, lastError: "451 try later" });
    await mails.close();
  });

  it("skips a message whose notifications were all read, and keeps one with none unread in the outbox", async () => {
    const user = await createUser(
      store,
      newUserSchema.parse({
        email: "reader@example.org",
        name: "Reader",
        password: "long-enough-pw",
        organisation: "Org",
        side: "local",
      }),
    );
    const { notifications } = store.tables;
    const note = (eventKey: string, readAt: Date | null) =>
      store.db
        .insert(notifications)
        .values({ userId: user.id, type: "mention", text: "t", url: "/", eventKey, readAt })
        .returning({ id: notifications.id });
    const [read] = await note("read", new Date());
    const [unread] = await note("unread", null);
    const mails = queue(null);
    const skipped = await mails.enqueue(mail("reader@example.org", { notificationIds: [read!.id] }));
    const kept = await mails.enqueue(mail("reader@example.org", { notificationIds: [read!.id, unread!.id] }));
    mails.start();
    await vi.waitFor(async () => expect((await row(kept)).status).toBe("kept"));
    expect(await row(skipped)).toMatchObject({ status: "skipped", sentAt: null });
    expect((await row(kept)).notificationIds).toEqual([read!.id, unread!.id]);
    await mails.close();
  });
});
