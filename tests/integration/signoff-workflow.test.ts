import type { ParsedMail } from "mailparser";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as Y from "yjs";
import { sectionFragmentName } from "../../app/shared/doc-names";
import { ukToday } from "../../app/shared/portfolio";
import { getJson, requestJson, signOff } from "../support/http";
import { recipient, startMailbox, type TestMailbox } from "../support/smtp";
import { useTestServer } from "../support/test-server";
import { connectClient, waitForSync } from "../support/yjs-client";

const OWNER = "owner@swindon.example"; // Alison Reed
const EDITOR = "editor@swindon.example"; // Tom Okafor
const LOCAL = "signatory@swindon.example"; // Margaret Hale
const WHITEHALL = "signatory@dclg.example"; // David Marsh
const REVIEWER = "reviewer@dwp.example"; // Priya Nair
const VIEWER = "viewer@police.example"; // Sam Whitfield

let mailbox: TestMailbox;
const env: Record<string, string> = {
  MAIL_RETRY_SECONDS: "0.2",
  // Long enough for a test to make two events before the batch's emails go.
  NOTIFICATION_EMAIL_DELAY_SECONDS: "5",
  // The daily check runs as soon as the server starts: a restart runs it again.
  MILESTONE_CHECK_DELAY_SECONDS: "0",
};
beforeAll(async () => {
  mailbox = await startMailbox();
  env.SMTP_URL = mailbox.url;
});
afterAll(() => mailbox.close());

const server = useTestServer({ users: [OWNER, EDITOR, LOCAL, WHITEHALL, REVIEWER, VIEWER], env });

const send = (method: string, path: string, as: string, body?: unknown) =>
  requestJson(server.url, method, path, server.cookie(as), body);

/** Every sign-off in these tests goes through here, so what a sign-off sends is said once. */
const sign = (planId: string, key: string, as: string) => signOff(server.url, planId, key, server.cookie(as));

const returnSection = (planId: string, key: string, as: string, body?: unknown) =>
  send("POST", `/api/plans/${planId}/sections/${key}/returns`, as, body);

const askForSignoff = (planId: string, key: string, as: string, body?: unknown) =>
  send("POST", `/api/plans/${planId}/sections/${key}/signoff-requests`, as, body);

/** A fresh single-budget plan with a member of every role. */
async function newPlan(title = "Sign-off workflow"): Promise<string> {
  const created = await send("POST", "/api/plans", OWNER, {
    templateId: "single-budget-for-a-place",
    title,
    area: "Bradford",
  });
  const id = created.body.id as string;
  const roles: [string, string][] = [
    [EDITOR, "editor"],
    [LOCAL, "signatory"],
    [WHITEHALL, "signatory"],
    [REVIEWER, "reviewer"],
    [VIEWER, "viewer"],
  ];
  for (const [email, role] of roles) {
    expect((await send("POST", `/api/plans/${id}/members`, OWNER, { email, role })).status).toBe(201);
  }
  return id;
}

/**
 * Writes a paragraph at the end of each section, as the editor, and waits until the server has
 * it; the connection closes then, so a restart never finds it open.
 */
async function write(planId: string, words: Record<string, string>): Promise<void> {
  const client = connectClient(server.url, planId, server.cookie(EDITOR));
  try {
    await waitForSync(client);
    for (const [key, text] of Object.entries(words)) {
      const paragraph = new Y.XmlElement("paragraph");
      paragraph.insert(0, [new Y.XmlText(text)]);
      const fragment = client.doc.getXmlFragment(sectionFragmentName(key));
      fragment.insert(fragment.length, [paragraph]);
    }
    await vi.waitFor(
      async () => {
        const plan = await planView(planId);
        for (const [key, text] of Object.entries(words)) expect(sectionOf(plan, key).text).toContain(text);
      },
      { timeout: 10_000, interval: 50 },
    );
  } finally {
    client.destroy();
  }
}

interface Person {
  id: string;
  name: string;
  organisation: string;
}

interface SectionBody {
  key: string;
  text: string;
  signoff: {
    state: string;
    returned: { by: Person; reason: string; at: string } | null;
    due: string | null;
    request: { by: Person; at: string; message: string | null; due: string | null } | null;
  };
}

async function planView(planId: string, as = OWNER): Promise<{ sections: SectionBody[] }> {
  const { status, body } = await getJson<{ sections: SectionBody[] }>(
    server.url,
    `/api/plans/${planId}`,
    server.cookie(as),
  );
  expect(status).toBe(200);
  return body;
}

function sectionOf(plan: { sections: SectionBody[] }, key: string): SectionBody {
  return plan.sections.find((section) => section.key === key)!;
}

async function signoffOf(planId: string, key: string) {
  return sectionOf(await planView(planId), key).signoff;
}

interface Notice {
  type: string;
  planId: string | null;
  text: string;
  url: string;
}

async function noticesOf(email: string, type: string, planId: string): Promise<Notice[]> {
  const { status, body } = await getJson<Notice[]>(server.url, "/api/notifications", server.cookie(email));
  expect(status).toBe(200);
  return body.filter((notice) => notice.type === type && notice.planId === planId);
}

/** Waits until the person has `count` notifications of the type about the plan, and answers them. */
function waitForNotices(email: string, type: string, planId: string, count: number): Promise<Notice[]> {
  return vi.waitFor(
    async () => {
      const found = await noticesOf(email, type, planId);
      expect(found).toHaveLength(count);
      return found;
    },
    { timeout: 10_000, interval: 50 },
  );
}

/** The first email to the person (alone or in a digest) that says `words`. */
function mailSaying(email: string, words: string): Promise<ParsedMail> {
  return mailbox.waitFor((mail) => recipient(mail) === email && (mail.text ?? "").includes(words), 15_000);
}

function mailsSaying(email: string, words: string): ParsedMail[] {
  return mailbox.messages.filter((mail) => recipient(mail) === email && (mail.text ?? "").includes(words));
}

/** The UK date `days` from today, as `YYYY-MM-DD`. */
function dayFromToday(days: number): string {
  const date = new Date(`${ukToday()}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

async function portfolioRow(planId: string) {
  const { body } = await getJson<{ id: string; returned: number; overdueSignoffs: number }[]>(
    server.url,
    "/api/portfolio",
    server.cookie(OWNER),
  );
  return body.find((row) => row.id === planId)!;
}

describe("returning a section with a reason", () => {
  it("only signatories of a side the section needs return it, always with a reason; nothing changes otherwise", async () => {
    const planId = await newPlan();
    const reason = { reason: "the figures do not match the MTFS" };
    for (const as of [OWNER, EDITOR, REVIEWER, VIEWER]) {
      expect((await returnSection(planId, "governance", as, reason)).status).toBe(403);
    }
    // The Whitehall side does not sign customer insight.
    const otherSide = await returnSection(planId, "customer-insight", WHITEHALL, reason);
    expect(otherSide.status).toBe(403);
    expect(otherSide.body.error).toContain("local");
    for (const body of [undefined, {}, { reason: "" }, { reason: "   " }, { reason: 42 }]) {
      const refused = await returnSection(planId, "governance", LOCAL, body);
      expect(refused.status).toBe(400);
      expect(refused.body.error).toEqual(expect.any(String));
    }
    expect((await returnSection(planId, "no-such-section", LOCAL, reason)).status).toBe(404);
    expect((await signoffOf(planId, "governance")).returned).toBeNull();
    const audit = await getJson<{ type: string }[]>(server.url, `/api/plans/${planId}/audit`, server.cookie(OWNER));
    expect(audit.body.filter((entry) => entry.type === "signoff.returned")).toEqual([]);

    const returned = await returnSection(planId, "governance", WHITEHALL, { reason: "  needs the DCLG view  " });
    expect(returned.status).toBe(201);
    expect(returned.body).toMatchObject({ by: { name: "David Marsh" }, reason: "needs the DCLG view" });
  });

  it("shows on the section until its next edit, ends the open request, tells owners, editors and the requester, and is audited", async () => {
    const planId = await newPlan("Returned plan");
    await write(planId, { governance: "The board meets monthly." });
    expect((await askForSignoff(planId, "governance", OWNER, { dueDate: dayFromToday(5) })).status).toBe(201);
    expect((await signoffOf(planId, "governance")).due).toBe(dayFromToday(5));

    const reason = "the figures do not match the MTFS";
    expect((await returnSection(planId, "governance", LOCAL, { reason })).status).toBe(201);
    const signoff = await signoffOf(planId, "governance");
    expect(signoff.returned).toMatchObject({ by: { name: "Margaret Hale", organisation: expect.any(String) }, reason });
    expect(Date.parse(signoff.returned!.at)).toBeGreaterThan(Date.now() - 60_000);
    // A return answers the request.
    expect(signoff.request).toBeNull();
    expect(signoff.due).toBeNull();
    expect((await portfolioRow(planId)).returned).toBe(1);

    // Owner (who asked) and editor are told; the signatory who returned it is not.
    for (const email of [OWNER, EDITOR]) {
      const [notice] = await waitForNotices(email, "signoff-returned", planId, 1);
      expect(notice!.text).toBe(
        `Margaret Hale returned “Local structures, governance and accountability” in Returned plan: ${reason}`,
      );
      expect(notice!.url).toBe(`/plans/${planId}#section-governance`);
    }
    expect(await noticesOf(LOCAL, "signoff-returned", planId)).toEqual([]);
    expect(await noticesOf(REVIEWER, "signoff-returned", planId)).toEqual([]);
    const mail = await mailSaying(EDITOR, "Margaret Hale returned");
    expect(mail.text).toContain(`The reason Margaret Hale gave: “${reason}”`);
    expect(mail.text).toContain(`${server.url}/plans/${planId}#section-governance`);

    const audit = await getJson<{ type: string; detail: Record<string, unknown> }[]>(
      server.url,
      `/api/plans/${planId}/audit`,
      server.cookie(OWNER),
    );
    expect(audit.body.find((entry) => entry.type === "signoff.returned")?.detail).toMatchObject({
      sectionKey: "governance",
      side: "local",
      reason,
    });

    // Another section's edit leaves it; an edit of the section clears it.
    await write(planId, { "customer-insight": "Residents were asked." });
    expect((await signoffOf(planId, "governance")).returned).not.toBeNull();
    await write(planId, { governance: "It reports to the council." });
    expect((await signoffOf(planId, "governance")).returned).toBeNull();
    await vi.waitFor(async () => expect((await portfolioRow(planId)).returned).toBe(0), { timeout: 10_000 });
    // Cleared for good: it does not come back after a restart.
    await server.restart();
    expect((await signoffOf(planId, "governance")).returned).toBeNull();
  });
});

describe("requests with a message and a due date", () => {
  it("refuses a due date in a bad format and changes nothing; a past date is allowed and counts as overdue", async () => {
    const planId = await newPlan();
    for (const dueDate of ["8 Dec", "2026-12-8", "2026-02-30", "2026-13-01", 20261208, ""]) {
      const refused = await askForSignoff(planId, "governance", EDITOR, { dueDate });
      expect(refused.status).toBe(400);
      expect(refused.body.error).toContain("dueDate");
    }
    expect((await askForSignoff(planId, "governance", EDITOR, { message: 7 })).status).toBe(400);
    expect(await signoffOf(planId, "governance")).toMatchObject({ request: null, due: null });
    expect(await noticesOf(LOCAL, "signoff-requested", planId)).toEqual([]);

    const yesterday = dayFromToday(-1);
    expect(await askForSignoff(planId, "governance", EDITOR, { dueDate: yesterday })).toEqual({
      status: 201,
      body: { notified: 2 },
    });
    expect((await signoffOf(planId, "governance")).due).toBe(yesterday);
    await vi.waitFor(async () => expect((await portfolioRow(planId)).overdueSignoffs).toBe(1), { timeout: 10_000 });
    // Its email says the date has passed, not to sign by it.
    const asked = await mailSaying(LOCAL, "asks you to sign off “Local structures, governance and accountability”");
    expect(asked.text).toContain("It was due on");
    expect(asked.text).not.toContain("Please sign it off by");
  });

  it("carries the message and due date to the section and the email; asking again replaces the date; signing ends it", async () => {
    const planId = await newPlan("Requested plan");
    await write(planId, { governance: "The board meets monthly." });
    const due = dayFromToday(7);
    const message = "Please check the board's terms of reference.";
    expect((await askForSignoff(planId, "governance", EDITOR, { message, dueDate: due })).status).toBe(201);
    const signoff = await signoffOf(planId, "governance");
    expect(signoff.due).toBe(due);
    expect(signoff.request).toMatchObject({ by: { name: "Tom Okafor" }, message, due });

    const [notice] = await waitForNotices(LOCAL, "signoff-requested", planId, 1);
    expect(notice!.text).toContain("Tom Okafor asks you to sign off “Local structures, governance and accountability”");
    const mail = await mailSaying(
      LOCAL,
      "Tom Okafor asks you to sign off “Local structures, governance and accountability” in Requested plan",
    );
    expect(mail.text).toContain(`Tom Okafor writes: “${message}”`);
    const longDue = new Intl.DateTimeFormat("en-GB", {
      weekday: "long",
      day: "numeric",
      month: "long",
      year: "numeric",
      timeZone: "UTC",
    }).format(new Date(`${due}T00:00:00Z`));
    expect(mail.text).toContain(`Please sign it off by ${longDue}.`);
    expect(mail.text).toContain(`${server.url}/plans/${planId}#section-governance`);

    const later = dayFromToday(10);
    expect((await askForSignoff(planId, "governance", OWNER, { dueDate: later })).status).toBe(201);
    expect(await signoffOf(planId, "governance")).toMatchObject({
      due: later,
      request: { by: { name: "Alison Reed" }, due: later },
    });
    // Asking without a date keeps the one set.
    expect((await askForSignoff(planId, "governance", EDITOR, { message: "A nudge" })).status).toBe(201);
    expect(await signoffOf(planId, "governance")).toMatchObject({ due: later, request: { message: "A nudge" } });

    // One side signing leaves the request open for the other; both signing end it.
    expect((await sign(planId, "governance", LOCAL)).status).toBe(201);
    expect((await signoffOf(planId, "governance")).due).toBe(later);
    expect((await sign(planId, "governance", WHITEHALL)).status).toBe(201);
    expect(await signoffOf(planId, "governance")).toMatchObject({ request: null, due: null });
  });

  it("the daily check reminds the people asked two days before and once the date has passed, once each, and never after signing", async () => {
    const planId = await newPlan("Reminded plan");
    await write(planId, { "service-redesign": "Services are joined up." });
    const soon = dayFromToday(2);
    const past = dayFromToday(-3);
    const notYet = dayFromToday(3);
    expect((await askForSignoff(planId, "customer-insight", EDITOR, { dueDate: soon })).status).toBe(201);
    expect((await askForSignoff(planId, "delivery-chains", EDITOR, { dueDate: past })).status).toBe(201);
    expect((await askForSignoff(planId, "governance", EDITOR, { dueDate: notYet })).status).toBe(201);
    expect((await askForSignoff(planId, "service-redesign", EDITOR, { dueDate: past })).status).toBe(201);
    expect((await sign(planId, "service-redesign", LOCAL)).status).toBe(201);

    // The server runs the daily check as it starts; twice, to show nobody is told twice.
    await server.restart();
    const reminders = await waitForNotices(LOCAL, "signoff-due", planId, 2);
    // Asking again for governance, now overdue, is a new request: the next check tells of it
    // (which shows that check ran) and of nothing it told before.
    expect((await askForSignoff(planId, "governance", EDITOR, { dueDate: past })).status).toBe(201);
    await server.restart();
    const again = await waitForNotices(LOCAL, "signoff-due", planId, 3);
    expect(again.filter((notice) => notice.url.endsWith("#section-governance"))).toHaveLength(1);
    await waitForNotices(WHITEHALL, "signoff-due", planId, 1);
    expect(reminders.map((notice) => notice.text).sort()).toEqual([
      `Your sign-off of “Customer insight and visioning” in Reminded plan is due on ${new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" }).format(new Date(`${soon}T00:00:00Z`))}`,
      `Your sign-off of “Existing delivery chains” in Reminded plan was due on ${new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" }).format(new Date(`${past}T00:00:00Z`))}`,
    ]);
    expect(reminders.map((notice) => notice.url).sort()).toEqual([
      `/plans/${planId}#section-customer-insight`,
      `/plans/${planId}#section-delivery-chains`,
    ]);
    // The requester is not reminded.
    expect(await noticesOf(EDITOR, "signoff-due", planId)).toEqual([]);
    const mail = await mailSaying(LOCAL, "Your sign-off of “Existing delivery chains”");
    expect(mail.text).toContain("Tom Okafor asked for it.");
  });
});

describe("emails people can act on", () => {
  it("mention and reply emails carry the comment's words", async () => {
    const planId = await newPlan("Comment plan");
    const thread = await send("POST", `/api/plans/${planId}/comments`, REVIEWER, {
      sectionKey: "governance",
      body: "Is the accountable body settled?",
    });
    expect(thread.status).toBe(201);
    await send("POST", `/api/plans/${planId}/comments`, EDITOR, {
      sectionKey: "governance",
      body: "@Priya Nair yes: the council.\nThe board confirmed it in March.",
      parentId: thread.body.id,
    });
    await send("POST", `/api/plans/${planId}/comments`, OWNER, {
      sectionKey: "governance",
      body: "Agreed, and minuted.",
      parentId: thread.body.id,
    });
    const mention = await mailSaying(REVIEWER, "Tom Okafor mentioned you");
    expect(mention.text).toContain("Tom Okafor wrote:");
    expect(mention.text).toContain("“@Priya Nair yes: the council.”");
    expect(mention.text).toContain("“The board confirmed it in March.”");
    const reply = await mailSaying(EDITOR, "Alison Reed replied in a thread");
    expect(reply.text).toContain("Alison Reed wrote:");
    expect(reply.text).toContain("“Agreed, and minuted.”");
  });

  it("two identical 'changed since you signed' emails in one batch go as one", async () => {
    const planId = await newPlan("Stale plan");
    await write(planId, { "customer-insight": "Residents were asked." });
    expect((await sign(planId, "customer-insight", LOCAL)).status).toBe(201);
    await write(planId, { "customer-insight": "Twice." });
    // Told once the check has marked it stale (signing again before that would supersede it unmarked).
    await waitForNotices(LOCAL, "signoff-stale", planId, 1);
    expect((await sign(planId, "customer-insight", LOCAL)).status).toBe(201);
    await write(planId, { "customer-insight": "Three times." });
    const notices = await waitForNotices(LOCAL, "signoff-stale", planId, 2);
    expect(notices[0]!.text).toBe(notices[1]!.text);
    await mailSaying(LOCAL, notices[0]!.text);
    // The batch's email went; nothing else is coming for it.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const mails = mailsSaying(LOCAL, notices[0]!.text);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text!.split(notices[0]!.text).length - 1).toBe(1);
  });

  it("a request is not emailed to someone whose side signed the section before the email went", async () => {
    const planId = await newPlan("Quick signer plan");
    await write(planId, { "customer-insight": "Residents were asked." });
    expect((await askForSignoff(planId, "customer-insight", EDITOR, { message: "Quick one" })).status).toBe(201);
    await waitForNotices(LOCAL, "signoff-requested", planId, 1);
    expect((await sign(planId, "customer-insight", LOCAL)).status).toBe(201);
    // A mention in the same batch: its email goes with (after) any the request would have had.
    await send("POST", `/api/plans/${planId}/comments`, EDITOR, {
      sectionKey: "governance",
      body: "@Margaret Hale thanks for signing so quickly",
    });
    await mailSaying(
      LOCAL,
      "Tom Okafor mentioned you in a comment on “Local structures, governance and accountability” in Quick signer plan",
    );
    expect(mailsSaying(LOCAL, "asks you to sign off “Customer insight and visioning” in Quick signer plan")).toEqual(
      [],
    );
  });

  it("a request ended by a return before its email went is not emailed", async () => {
    const planId = await newPlan("Returned before mail plan");
    await write(planId, { governance: "The board meets monthly." });
    expect((await askForSignoff(planId, "governance", EDITOR, { message: "Please look" })).status).toBe(201);
    await waitForNotices(WHITEHALL, "signoff-requested", planId, 1);
    expect((await returnSection(planId, "governance", LOCAL, { reason: "Not ready" })).status).toBe(201);
    await send("POST", `/api/plans/${planId}/comments`, EDITOR, {
      sectionKey: "customer-insight",
      body: "@David Marsh the section went back",
    });
    await mailSaying(WHITEHALL, "Tom Okafor mentioned you in a comment");
    // Earlier tests asked David about the same section in other plans: only this plan's request counts.
    expect(
      mailsSaying(
        WHITEHALL,
        "asks you to sign off “Local structures, governance and accountability” in Returned before mail plan",
      ),
    ).toEqual([]);
  });

  it("'changed since you signed it off' is not emailed once the person has signed the section again", async () => {
    const planId = await newPlan("Re-signed plan");
    await write(planId, { "customer-insight": "Residents were asked." });
    expect((await sign(planId, "customer-insight", LOCAL)).status).toBe(201);
    await write(planId, { "customer-insight": "Twice." });
    const [stale] = await waitForNotices(LOCAL, "signoff-stale", planId, 1);
    expect((await sign(planId, "customer-insight", LOCAL)).status).toBe(201);
    await send("POST", `/api/plans/${planId}/comments`, EDITOR, {
      sectionKey: "governance",
      body: "@Margaret Hale thanks for signing again",
    });
    await mailSaying(
      LOCAL,
      "Tom Okafor mentioned you in a comment on “Local structures, governance and accountability” in Re-signed plan",
    );
    expect(mailsSaying(LOCAL, stale!.text)).toEqual([]);
  });
});
