import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as Y from "yjs";
import { sectionFragmentName } from "../../app/shared/doc-names";
import { getJson, requestJson, signOff } from "../support/http";
import { recipient, startMailbox, type TestMailbox } from "../support/smtp";
import { useTestServer } from "../support/test-server";
import { connectClient, waitForSync } from "../support/yjs-client";

const OWNER = "owner@swindon.example"; // Alison Reed
const EDITOR = "editor@swindon.example"; // Tom Okafor
const LOCAL_SIGNATORY = "signatory@swindon.example"; // Margaret Hale
const WHITEHALL_SIGNATORY = "signatory@dclg.example"; // David Marsh
const REVIEWER = "reviewer@dwp.example"; // Priya Nair
const VIEWER = "viewer@police.example"; // Sam Whitfield

let mailbox: TestMailbox;
const env: Record<string, string> = {
  MAIL_RETRY_SECONDS: "0.2",
  NOTIFICATION_EMAIL_DELAY_SECONDS: "1",
  MILESTONE_CHECK_DELAY_SECONDS: "0",
};
beforeAll(async () => {
  mailbox = await startMailbox();
  env.SMTP_URL = mailbox.url;
});
afterAll(() => mailbox.close());

const server = useTestServer({
  users: [OWNER, EDITOR, LOCAL_SIGNATORY, WHITEHALL_SIGNATORY, REVIEWER, VIEWER],
  demoPlan: true,
  env,
});

interface Notice {
  id: number;
  type: string;
  planId: string | null;
  text: string;
  url: string;
  createdAt: string;
  readAt: string | null;
}

async function inbox(email: string): Promise<Notice[]> {
  const { status, body } = await getJson<Notice[]>(server.url, "/api/notifications", server.cookie(email));
  expect(status).toBe(200);
  return body;
}

/** Waits until the person's notifications of a type satisfy `check`, and answers them. */
async function noticesOf(email: string, type: string, count: number): Promise<Notice[]> {
  return vi.waitFor(
    async () => {
      const found = (await inbox(email)).filter((n) => n.type === type);
      expect(found).toHaveLength(count);
      return found;
    },
    { timeout: 10_000, interval: 50 },
  );
}

function comment(email: string, body: string, parentId?: string) {
  return requestJson(server.url, "POST", `/api/plans/${server.demoPlanId}/comments`, server.cookie(email), {
    sectionKey: "governance",
    body,
    ...(parentId ? { parentId } : {}),
  });
}

function mailsTo(email: string) {
  return mailbox.messages.filter((m) => recipient(m) === email);
}

describe("notifications", () => {
  it("milestone-due: each owner of an overdue milestone is told once, even after a restart", async () => {
    const alison = await noticesOf(OWNER, "milestone-due", 1);
    expect(alison[0]!.text).toContain("“Operational Plan agreed by the joint team”");
    expect(alison[0]!.text).toContain("was due on 2012-03-31");
    expect(alison[0]!.url).toBe(`/plans/${server.demoPlanId}#section-timescales`);
    await noticesOf(EDITOR, "milestone-due", 1);
    // The check runs again on start (delay 0) and finds the same events: nobody is told twice.
    await server.restart();
    await noticesOf(OWNER, "milestone-due", 1);
    await noticesOf(EDITOR, "milestone-due", 1);
    expect(await inbox(LOCAL_SIGNATORY)).toEqual([]);
  });

  it("mention: the person named is told once, in the app and by email; the author is not told", async () => {
    const made = await comment(EDITOR, "@Margaret Hale could you check the governance wording?");
    expect(made.status).toBe(201);
    const [mention] = await noticesOf(LOCAL_SIGNATORY, "mention", 1);
    expect(mention).toMatchObject({
      planId: server.demoPlanId,
      text: "Tom Okafor mentioned you in a comment on “Local structures, governance and accountability” in Swindon: a single budget for the place",
      url: `/plans/${server.demoPlanId}#section-governance`,
      readAt: null,
    });
    expect((await inbox(EDITOR)).filter((n) => n.type === "mention")).toEqual([]);
    const mail = await mailbox.waitFor((m) => recipient(m) === LOCAL_SIGNATORY && m.subject === mention!.text);
    expect(mail.text).toContain(`${server.url}/plans/${server.demoPlanId}#section-governance`);
  });

  it("reply: the thread's other writers are told; someone both mentioned and in the thread is told once", async () => {
    const thread = await comment(REVIEWER, "Is the accountable body settled?");
    await comment(OWNER, "Yes, the council.", thread.body.id);
    await noticesOf(REVIEWER, "reply", 1);
    const reply = await comment(EDITOR, "Agreed, @Priya Nair.", thread.body.id);
    expect(reply.status).toBe(201);
    // Priya wrote the thread and is mentioned: one notification, the mention.
    await noticesOf(REVIEWER, "mention", 1);
    await noticesOf(REVIEWER, "reply", 1);
    // Alison replied earlier: she is told of Tom's reply, and not of her own.
    const alison = await noticesOf(OWNER, "reply", 1);
    expect(alison[0]!.text).toContain("Tom Okafor replied in a thread");
  });

  it("signoff-requested: owners and editors ask; the signatories of the sides still to sign are told", async () => {
    const path = `/api/plans/${server.demoPlanId}/sections/governance/signoff-requests`;
    expect((await requestJson(server.url, "POST", path, server.cookie(REVIEWER))).status).toBe(403);
    expect(
      (
        await requestJson(
          server.url,
          "POST",
          `/api/plans/${server.demoPlanId}/sections/nope/signoff-requests`,
          server.cookie(EDITOR),
        )
      ).status,
    ).toBe(404);
    expect((await signOff(server.url, server.demoPlanId, "governance", server.cookie(LOCAL_SIGNATORY))).status).toBe(
      201,
    );
    const asked = await requestJson(server.url, "POST", path, server.cookie(EDITOR));
    expect(asked).toEqual({ status: 201, body: { notified: 1 } });
    const [request] = await noticesOf(WHITEHALL_SIGNATORY, "signoff-requested", 1);
    expect(request!.text).toBe(
      "Tom Okafor asks you to sign off “Local structures, governance and accountability” in Swindon: a single budget for the place",
    );
    // The local side has signed: its signatory is not asked.
    expect((await inbox(LOCAL_SIGNATORY)).filter((n) => n.type === "signoff-requested")).toEqual([]);
  });

  it("signoff-stale: the signatory is told once when an edit changes what they signed", async () => {
    const editor = connectClient(server.url, server.demoPlanId, server.cookie(EDITOR));
    try {
      await waitForSync(editor);
      for (const words of ["First change.", "Second change."]) {
        const paragraph = new Y.XmlElement("paragraph");
        paragraph.insert(0, [new Y.XmlText(words)]);
        const fragment = editor.doc.getXmlFragment(sectionFragmentName("governance"));
        fragment.insert(fragment.length, [paragraph]);
      }
      const [stale] = await noticesOf(LOCAL_SIGNATORY, "signoff-stale", 1);
      expect(stale!.text).toBe(
        "“Local structures, governance and accountability” in Swindon: a single budget for the place has changed since you signed it off",
      );
    } finally {
      editor.destroy();
    }
  });

  it("mark read and mark all read; someone else's notification is a 404", async () => {
    const [first] = await inbox(REVIEWER);
    const read = await requestJson(server.url, "POST", `/api/notifications/${first!.id}/read`, server.cookie(REVIEWER));
    expect(read.status).toBe(204);
    const notMine = await requestJson(
      server.url,
      "POST",
      `/api/notifications/${first!.id}/read`,
      server.cookie(EDITOR),
    );
    expect(notMine.status).toBe(404);
    expect((await inbox(REVIEWER)).find((n) => n.id === first!.id)!.readAt).not.toBeNull();
    expect((await requestJson(server.url, "POST", "/api/notifications/read-all", server.cookie(REVIEWER))).status).toBe(
      204,
    );
    expect((await inbox(REVIEWER)).every((n) => n.readAt !== null)).toBe(true);
  });

  it("an email is not sent when its notification was read in the app first, nor for a type turned off", async () => {
    const optOut = await fetch(`${server.url}/account`, {
      method: "POST",
      headers: {
        cookie: server.cookie(VIEWER),
        origin: server.url,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams([
        ["intent", "emails"],
        ["email", "reply"],
      ]),
    });
    expect(optOut.status).toBe(200);
    await comment(EDITOR, "@Sam Whitfield a mention Sam turned off");
    await noticesOf(VIEWER, "mention", 1);

    const before = mailsTo(EDITOR).length;
    await comment(OWNER, "@Tom Okafor read this one in the app at once");
    const [readFirst] = await noticesOf(EDITOR, "mention", 1);
    await requestJson(server.url, "POST", `/api/notifications/${readFirst!.id}/read`, server.cookie(EDITOR));
    // A later one left unread is emailed: the one read first, waiting with it, is not.
    await comment(OWNER, "@Tom Okafor and this one he leaves unread");
    await mailbox.waitFor((m) => recipient(m) === EDITOR && m.text!.includes("Alison Reed mentioned you"));
    expect(mailsTo(EDITOR).slice(before)).toHaveLength(1);
    expect(mailsTo(VIEWER)).toEqual([]);
  });

  it("a burst of notifications becomes one digest email", async () => {
    const before = mailsTo(WHITEHALL_SIGNATORY).length;
    for (let i = 1; i <= 6; i++) await comment(EDITOR, `@David Marsh point ${i} of 6`);
    const notices = await noticesOf(WHITEHALL_SIGNATORY, "mention", 6);
    const digest = await mailbox.waitFor(
      (m) => recipient(m) === WHITEHALL_SIGNATORY && /new notifications/.test(m.subject ?? ""),
    );
    expect(digest.subject).toMatch(/^\d new notifications in Coplan$/);
    await vi.waitFor(() => {
      const told = mailsTo(WHITEHALL_SIGNATORY)
        .slice(before)
        .map((m) => m.text ?? "");
      for (const n of notices) expect(told.filter((text) => text.includes(n.text.split(" in ")[0]!))).not.toEqual([]);
    });
    // Six mentions, at most a few of them alone: the rest arrived together.
    expect(mailsTo(WHITEHALL_SIGNATORY).length - before).toBeLessThanOrEqual(4);
  });

  it("the event stream pushes the unread count as soon as something arrives", async () => {
    const controller = new AbortController();
    const response = await fetch(`${server.url}/api/notifications/stream`, {
      headers: { cookie: server.cookie(VIEWER) },
      signal: controller.signal,
    });
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    const events: { unread: number }[] = [];
    let buffer = "";
    const next = async () => {
      for (;;) {
        const frame = /data: (.*)\n\n/.exec(buffer);
        if (frame) {
          buffer = buffer.slice(frame.index + frame[0].length);
          return JSON.parse(frame[1]!) as { unread: number };
        }
        const { value, done } = await reader.read();
        if (done) throw new Error("stream ended");
        buffer += value;
      }
    };
    events.push(await next());
    await comment(EDITOR, "@Sam Whitfield live, please");
    events.push(await next());
    expect(events[1]!.unread).toBe(events[0]!.unread + 1);
    controller.abort();
  });

  it("plan-final: when the last section is signed off, every member but the signer is told", async () => {
    const plan = await getJson<{
      sections: { key: string; signoff: { state: string; records: { side: string; fresh: boolean }[] } }[];
    }>(server.url, `/api/plans/${server.demoPlanId}`, server.cookie(OWNER));
    const template = await getJson<{ id: string; sections: { key: string; signoff: string[] }[] }[]>(
      server.url,
      "/api/templates",
      server.cookie(OWNER),
    );
    const sides = new Map(
      template.body.find((t) => t.id === "single-budget-for-a-place")!.sections.map((s) => [s.key, s.signoff]),
    );
    const toSign: [string, string][] = [];
    for (const section of plan.body.sections) {
      const fresh = new Set(section.signoff.records.filter((r) => r.fresh).map((r) => r.side));
      for (const side of sides.get(section.key) ?? []) {
        if (!fresh.has(side)) toSign.push([section.key, side === "local" ? LOCAL_SIGNATORY : WHITEHALL_SIGNATORY]);
      }
    }
    const last = toSign.pop()!;
    for (const [key, who] of toSign) {
      expect((await signOff(server.url, server.demoPlanId, key, server.cookie(who))).status).toBe(201);
    }
    expect((await inbox(OWNER)).filter((n) => n.type === "plan-final")).toEqual([]);
    expect((await signOff(server.url, server.demoPlanId, last[0], server.cookie(last[1]))).status).toBe(201);
    for (const email of [OWNER, EDITOR, REVIEWER, VIEWER, LOCAL_SIGNATORY, WHITEHALL_SIGNATORY]) {
      if (email === last[1]) continue;
      const [final] = await noticesOf(email, "plan-final", 1);
      expect(final!.text).toBe("Swindon: a single budget for the place is final: every section is signed off");
    }
    expect((await inbox(last[1])).filter((n) => n.type === "plan-final")).toEqual([]);
  });
});
