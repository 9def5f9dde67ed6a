import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Notification } from "../../db/schema";
import type { Store } from "../../db/store.server";
import { InProcessEventBus } from "../../server/events/event-bus.server";
import type { MailQueue } from "../../server/mail/mail-queue.server";
import { PublicLinks } from "../../server/mail/public-links.server";
import {
  NotificationService,
  type NotificationInput,
  type NotificationOptions,
} from "../../server/notifications/notification-service.server";
import { openTestStore, STORE_KINDS, type TestStore } from "../support/stores";

function person(id: string) {
  return {
    id,
    email: `${id}@example.org`,
    name: id,
    organisation: "Swindon",
    side: "local" as const,
    passwordHash: "x",
  };
}

function notice(userId: string, eventKey: string, text = `told of ${eventKey}`): NotificationInput {
  return { userId, type: "mention", planId: null, text, url: "/plans/x", eventKey };
}

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200 && !(await check()); i++) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe.each(STORE_KINDS)("notifications on the %s store", (kind) => {
  let opened: TestStore;
  let store: Store;
  let events: InProcessEventBus;
  const sent: { to: string; notificationIds?: number[] }[] = [];
  const pushed: string[] = [];
  let stillApt: (n: Notification) => boolean = () => true;

  function service(options: Partial<NotificationOptions> = {}) {
    const mail = { enqueue: (message: { to: string; notificationIds?: number[] }) => sent.push(message) };
    return new NotificationService(
      store,
      mail as unknown as MailQueue,
      new PublicLinks("https://plans.example.org"),
      { emailDelayMs: 100, fewPerHour: 2, stillApt: (n) => stillApt(n), ...options },
      events,
    );
  }

  beforeAll(async () => {
    opened = await openTestStore(kind);
    store = opened.store;
    events = new InProcessEventBus();
    events.subscribe("notifications-changed", ({ userId }) => pushed.push(userId));
    await store.db.insert(store.tables.users).values([person("ann"), person("bob"), person("cat"), person("dan")]);
  });
  afterAll(() => opened?.dispose());

  it("stores one notification per person and event, never for who caused it, newest first", async () => {
    const notifications = service();
    await notifications.notify([notice("ann", "e1"), notice("bob", "e1")], "bob");
    await Promise.all([
      notifications.notify([notice("ann", "e1")], null),
      notifications.notify([notice("ann", "e2")], null),
    ]);
    const listed = await notifications.list("ann");
    expect(listed.map((n) => n.text)).toEqual(["told of e2", "told of e1"]);
    expect(listed[0]).toMatchObject({ type: "mention", planId: null, readAt: null });
    expect(new Date(listed[0]!.createdAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(await notifications.list("bob")).toEqual([]);
    expect(await notifications.unreadCount("ann")).toBe(2);
    expect(pushed.filter((id) => id === "ann")).toHaveLength(2);
  });

  it("marks one read once, refuses another's, and marks all read", async () => {
    const notifications = service();
    const [newest, oldest] = await notifications.list("ann");
    pushed.length = 0;
    expect(await notifications.markRead("bob", newest!.id)).toBe(false);
    expect(
      await Promise.all([notifications.markRead("ann", newest!.id), notifications.markRead("ann", newest!.id)]),
    ).toEqual([true, true]);
    // Of two requests marking it, only the one that changed it tells the open pages.
    expect(pushed).toEqual(["ann"]);
    expect(await notifications.unreadCount("ann")).toBe(1);
    const [read] = await notifications.list("ann", 1);
    expect(read!.readAt).not.toBeNull();
    expect(await notifications.markRead("ann", oldest!.id)).toBe(true);
    await notifications.notify([notice("ann", "e3")], null);
    await notifications.markAllRead("ann");
    expect(await notifications.unreadCount("ann")).toBe(0);
  });

  it("emails what is unread, still apt and not turned off; a digest past a few an hour", async () => {
    const { notificationOptOuts, notifications: table } = store.tables;
    await store.db.insert(notificationOptOuts).values({ userId: "cat", type: "reply" });
    stillApt = (n) => n.eventKey !== "not-apt";
    const notifications = service();
    notifications.start();
    await notifications.notify(
      [notice("cat", "one"), notice("cat", "not-apt"), { ...notice("cat", "off"), type: "reply" }],
      null,
    );
    await until(async () => sent.some((mail) => mail.to === "cat@example.org"));
    const waiting = await store.db.select().from(table).where(eq(table.userId, "cat"));
    await until(async () =>
      (await store.db.select().from(table).where(eq(table.userId, "cat"))).every((n) => n.mailedAt),
    );
    const mailed = new Map(
      (await store.db.select().from(table).where(eq(table.userId, "cat"))).map((n) => [n.eventKey, n.mailedAt]),
    );
    expect(waiting).toHaveLength(3);
    expect(mailed.get("one")!.getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(mailed.get("not-apt")).toEqual(new Date(0));
    expect(mailed.get("off")).toEqual(new Date(0));
    expect(sent.filter((mail) => mail.to === "cat@example.org")).toHaveLength(1);

    // One mailed this hour: two more one by one would pass the two an hour, so they come as one digest.
    await notifications.notify([notice("cat", "two", "second"), notice("cat", "three", "third")], null);
    await until(async () => sent.filter((mail) => mail.to === "cat@example.org").length === 2);
    const digest = sent.filter((mail) => mail.to === "cat@example.org")[1]!;
    expect(digest.notificationIds).toHaveLength(2);
    notifications.close();
  });

  it("emails a notification once though two sends of the person's overlap", async () => {
    const notifications = service();
    await notifications.notify([notice("bob", "overlap")], null);
    const sending = notifications as unknown as { sendEmails(userId: string): Promise<void> };
    await Promise.all([sending.sendEmails("bob"), sending.sendEmails("bob")]);
    expect(sent.filter((mail) => mail.to === "bob@example.org")).toHaveLength(1);
  });

  it("sends at start what an earlier process left unsent", async () => {
    const before = service();
    await before.notify([notice("dan", "left")], null);
    const after = service();
    after.start();
    await until(async () => sent.some((mail) => mail.to === "dan@example.org"));
    expect(sent.filter((mail) => mail.to === "dan@example.org")).toHaveLength(1);
    after.close();
  });
});
