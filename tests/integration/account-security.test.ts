import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { getJson, requestJson, signIn } from "../support/http";
import { linkIn, recipient, startMailbox, type TestMailbox } from "../support/smtp";
import { useTestServer } from "../support/test-server";

const OWNER = "owner@swindon.example"; // also the instance administrator
const EDITOR = "editor@swindon.example";
const LOCAL_SIGNATORY = "signatory@swindon.example";
const WHITEHALL_SIGNATORY = "signatory@dclg.example";
const REVIEWER = "reviewer@dwp.example";
const VIEWER = "viewer@police.example";

let mailbox: TestMailbox;
const env: Record<string, string> = { MAIL_RETRY_SECONDS: "0.2", NOTIFICATION_EMAIL_DELAY_SECONDS: "3600" };
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

interface OutboxMessage {
  to: string;
  subject: string;
  text: string;
  status: string;
}

const tokenOf = (link: string) => link.slice(link.lastIndexOf("/") + 1);

async function submitForm(path: string, fields: Record<string, string>, cookie?: string) {
  const response = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: {
      origin: server.url,
      "content-type": "application/x-www-form-urlencoded",
      ...(cookie ? { cookie } : {}),
    },
    body: new URLSearchParams(fields),
    redirect: "manual",
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

async function outbox(): Promise<OutboxMessage[]> {
  return (await getJson<OutboxMessage[]>(server.url, "/api/admin/outbox", server.cookie(OWNER))).body;
}

/** Waits until the outbox records the message to `to` with this subject as sent. */
async function sentInOutbox(to: string, subject: string): Promise<void> {
  await vi.waitFor(
    async () => {
      const message = (await outbox()).find((m) => m.to === to && m.subject === subject);
      expect(message?.status).toBe("sent");
    },
    { timeout: 20_000, interval: 50 },
  );
}

async function newPlan(cookie: string, title: string): Promise<string> {
  const created = await requestJson(server.url, "POST", "/api/plans", cookie, {
    templateId: "neighbourhood-community-budget",
    title,
    area: "Swindon",
  });
  expect(created.status).toBe(201);
  return created.body.id as string;
}

/** An open event stream: resolves `ended` when the server ends it. */
async function openStream(path: string, cookie: string) {
  const response = await fetch(`${server.url}${path}`, { headers: { cookie } });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("text/event-stream");
  const reader = response.body!.getReader();
  const first = await reader.read();
  expect(new TextDecoder().decode(first.value)).toContain("retry:");
  const ended = (async () => {
    for (;;) if ((await reader.read()).done) return true;
  })();
  return { ended, cancel: () => reader.cancel() };
}

/**
 * A GET with exactly these headers: fetch sets Sec-Fetch-Mode itself, as a browser's fetch
 * does, so a navigation's headers need a plain HTTP request.
 */
function rawGet(path: string, headers: Record<string, string>) {
  return new Promise<{ status: number; type: string; text: string }>((resolve, reject) => {
    const request = httpRequest(`${server.url}${path}`, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () =>
        resolve({
          status: response.statusCode ?? 0,
          type: response.headers["content-type"] ?? "",
          text: Buffer.concat(chunks).toString("latin1"),
        }),
      );
    });
    request.on("error", reject);
    request.end();
  });
}

const STREAMS = ["/api/notifications/stream", "/api/portfolio/events"];

describe("the outbox holds no link that still works for someone else", () => {
  it("a reset mail's link never shows, and a delivered invitation's link no longer does", async () => {
    await requestJson(server.url, "POST", "/api/password-reset", undefined, { email: LOCAL_SIGNATORY });
    await requestJson(server.url, "POST", "/api/password-reset", undefined, { email: OWNER });
    const invited = await requestJson(
      server.url,
      "POST",
      `/api/plans/${server.demoPlanId}/members`,
      server.cookie(OWNER),
      {
        email: "outbox-invitee@example.org",
        role: "viewer",
      },
    );
    expect(invited.status).toBe(202);
    const links = await Promise.all(
      [LOCAL_SIGNATORY, OWNER, "outbox-invitee@example.org"].map(async (to) =>
        linkIn(await mailbox.waitFor((m) => recipient(m) === to), server.url),
      ),
    );
    await sentInOutbox(LOCAL_SIGNATORY, "Reset your Coplan password");
    await sentInOutbox(OWNER, "Reset your Coplan password");
    await sentInOutbox(
      "outbox-invitee@example.org",
      'Alison Reed invited you to "Swindon: a single budget for the place"',
    );

    const api = JSON.stringify(await outbox());
    const page = await (
      await fetch(`${server.url}/admin/outbox`, { headers: { cookie: server.cookie(OWNER) } })
    ).text();
    for (const link of links) {
      expect(api).not.toContain(tokenOf(link));
      expect(page).not.toContain(tokenOf(link));
    }
    expect(api).toContain("/password-reset/[link removed]");
    expect(api).toContain("/invitations/[link removed]");
    // The links themselves still work for the people they were sent to.
    expect((await fetch(links[0]!)).status).toBe(200);
    expect((await fetch(links[2]!)).status).toBe(200);
  });
});

describe("password reset links", () => {
  it("a reset ends every other reset link of the account, and the streams of its sessions", async () => {
    await requestJson(server.url, "POST", "/api/password-reset", undefined, { email: VIEWER });
    const first = linkIn(await mailbox.waitFor((m) => recipient(m) === VIEWER), server.url);
    await requestJson(server.url, "POST", "/api/password-reset", undefined, { email: VIEWER });
    const second = linkIn(
      await mailbox.waitFor((m) => recipient(m) === VIEWER && linkIn(m, server.url) !== first),
      server.url,
    );
    const streams = await Promise.all(STREAMS.map((path) => openStream(path, server.cookie(VIEWER))));

    const done = await submitForm(new URL(first).pathname, { password: "first-new-password" });
    expect(done.status).toBe(302);
    expect(await Promise.all(streams.map((s) => s.ended))).toEqual([true, true]);

    expect((await fetch(second)).status).toBe(410);
    const late = await submitForm(new URL(second).pathname, { password: "second-new-password" });
    expect(late.status).toBe(400);
    expect(
      (
        await requestJson(server.url, "POST", "/api/session", undefined, {
          email: VIEWER,
          password: "second-new-password",
        })
      ).status,
    ).toBe(401);
    expect(
      (
        await requestJson(server.url, "POST", "/api/session", undefined, {
          email: VIEWER,
          password: "first-new-password",
        })
      ).status,
    ).toBe(204);
  });

  it("a made-up reset or invitation link is refused before the password is even read (no hash is made)", async () => {
    const reset = await submitForm(`/password-reset/${"A".repeat(43)}`, { password: "short" });
    expect(reset.status).toBe(400);
    expect(reset.text).toContain("This reset link has been used or has expired");
    expect(reset.text).not.toContain("at least 8 characters");
    const invitation = await submitForm(`/invitations/${"B".repeat(43)}`, { name: "Mallory", password: "short" });
    expect(invitation.status).toBe(400);
    expect(invitation.text).toContain("This invitation link has been used, withdrawn or has expired");
    expect(invitation.text).not.toContain("at least 8 characters");
  });
});

describe("event streams end with their session", () => {
  it("at sign-out", async () => {
    const cookie = await signIn(server.url, EDITOR);
    const streams = await Promise.all(STREAMS.map((path) => openStream(path, cookie)));
    expect((await requestJson(server.url, "DELETE", "/api/session", cookie)).status).toBe(204);
    expect(await Promise.all(streams.map((s) => s.ended))).toEqual([true, true]);
  });

  it("at a password change made in another session", async () => {
    const here = await signIn(server.url, WHITEHALL_SIGNATORY);
    const elsewhere = await signIn(server.url, WHITEHALL_SIGNATORY);
    const streams = await Promise.all(STREAMS.map((path) => openStream(path, elsewhere)));
    const changed = await submitForm(
      "/account",
      { intent: "password", current: "coplan-demo", password: "coplan-demo" },
      here,
    );
    expect(changed.status).toBe(200);
    expect(await Promise.all(streams.map((s) => s.ended))).toEqual([true, true]);
  });

  it("at deactivation", async () => {
    const cookie = await signIn(server.url, LOCAL_SIGNATORY);
    const streams = await Promise.all(STREAMS.map((path) => openStream(path, cookie)));
    const path = (verb: string) => `/api/admin/users/${userIdOf(LOCAL_SIGNATORY)}/${verb}`;
    expect((await requestJson(server.url, "POST", path("deactivate"), server.cookie(OWNER))).status).toBe(204);
    expect(await Promise.all(streams.map((s) => s.ended))).toEqual([true, true]);
    expect((await requestJson(server.url, "POST", path("reactivate"), server.cookie(OWNER))).status).toBe(204);
  });
});

const userIds = new Map<string, string>();
function userIdOf(email: string): string {
  const id = userIds.get(email);
  if (!id) throw new Error(`${email}'s id was not read`);
  return id;
}
beforeAll(async () => {
  const users = await getJson<{ id: string; email: string }[]>(server.url, "/api/admin/users", server.cookie(OWNER));
  for (const user of users.body) userIds.set(user.email, user.id);
});

describe("invitation emails are rate-limited", () => {
  it("per address: a stranger gets at most three in an hour, however they are sent", async () => {
    const planId = await newPlan(server.cookie(EDITOR), "https://evil.example: claim your prize");
    const stranger = "stranger@outside.example";
    const invite = () =>
      requestJson(server.url, "POST", `/api/plans/${planId}/members`, server.cookie(EDITOR), {
        email: stranger,
        role: "viewer",
      });
    expect((await invite()).status).toBe(202);
    expect((await invite()).status).toBe(202);
    const [pending] = (
      await getJson<{ id: string }[]>(server.url, `/api/plans/${planId}/invitations`, server.cookie(EDITOR))
    ).body;
    const resend = () =>
      requestJson(server.url, "POST", `/api/plans/${planId}/invitations/${pending!.id}/resend`, server.cookie(EDITOR));
    expect((await resend()).status).toBe(204);
    const refused = await fetch(`${server.url}/api/plans/${planId}/invitations/${pending!.id}/resend`, {
      method: "POST",
      headers: { cookie: server.cookie(EDITOR) },
    });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await refused.json()).error).toMatch(/too many invitation emails/);
    expect((await invite()).status).toBe(429);
    // The third email is in; nothing after it was sent.
    await mailbox.waitFor(
      (m) => recipient(m) === stranger && mailbox.messages.filter((n) => recipient(n) === stranger).length === 3,
    );
    await sentInOutbox(stranger, `Tom Okafor invited you to "https://evil.example: claim your prize"`);
    expect((await outbox()).filter((m) => m.to === stranger)).toHaveLength(3);
  });

  it("per inviter: thirty in an hour, to any addresses", async () => {
    const planId = await newPlan(server.cookie(REVIEWER), "Many invitations");
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) {
      const answer = await requestJson(server.url, "POST", `/api/plans/${planId}/members`, server.cookie(REVIEWER), {
        email: `person${i}@many.example`,
        role: "viewer",
      });
      statuses.push(answer.status);
    }
    expect(statuses.slice(0, 30).every((status) => status === 202)).toBe(true);
    expect(statuses[30]).toBe(429);
  });
});

describe("sign-off requests are rate-limited per person and section", () => {
  it("the fourth request within the hour is a 429 and notifies nobody", async () => {
    const path = `/api/plans/${server.demoPlanId}/sections/governance/signoff-requests`;
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await requestJson(server.url, "POST", path, server.cookie(EDITOR))).status);
    expect(statuses).toEqual([201, 201, 201, 429]);
    // A fresh session: the password-change case above ended the one signed in at the start.
    const signatory = await signIn(server.url, WHITEHALL_SIGNATORY);
    const inbox = await getJson<{ type: string }[]>(server.url, "/api/notifications", signatory);
    expect(inbox.body.filter((n) => n.type === "signoff-requested")).toHaveLength(3);
  });
});

describe("adding a member tells nothing about people outside your organisation", () => {
  it("201 with the member: name, organisation and side only for your own organisation", async () => {
    const planId = await newPlan(server.cookie(OWNER), "Members and strangers");
    const outsider = await requestJson(server.url, "POST", `/api/plans/${planId}/members`, server.cookie(OWNER), {
      email: REVIEWER,
      role: "viewer",
    });
    expect(outsider.status).toBe(201);
    expect(outsider.body).toEqual({ userId: userIdOf(REVIEWER), email: REVIEWER, role: "viewer", signsOff: false });
    const colleague = await requestJson(server.url, "POST", `/api/plans/${planId}/members`, server.cookie(OWNER), {
      email: EDITOR,
      role: "editor",
    });
    expect(colleague.status).toBe(201);
    expect(colleague.body).toMatchObject({
      email: EDITOR,
      name: "Tom Okafor",
      organisation: "Swindon Borough Council",
    });
  });
});

describe("a link on another site runs no export", () => {
  it("a cross-site navigation to export.pdf gets a page to confirm, exports nothing and writes no audit entry", async () => {
    const exportPath = `/api/plans/${server.demoPlanId}/export.pdf`;
    const exported = async () =>
      (
        await getJson<{ type: string }[]>(server.url, `/api/plans/${server.demoPlanId}/audit`, server.cookie(OWNER))
      ).body.filter((entry) => entry.type === "plan.exported").length;
    const before = await exported();
    const crossSite = await rawGet(exportPath, {
      cookie: server.cookie(OWNER),
      "sec-fetch-site": "cross-site",
      "sec-fetch-mode": "navigate",
      "sec-fetch-dest": "document",
    });
    expect(crossSite.status).toBe(403);
    expect(crossSite.type).toContain("text/html");
    expect(crossSite.text).toContain("Confirm the export");
    expect(crossSite.text).toContain(`href="${exportPath}"`);
    const fetched = await rawGet(exportPath, {
      cookie: server.cookie(OWNER),
      "sec-fetch-site": "cross-site",
      "sec-fetch-mode": "no-cors",
    });
    expect(fetched.status).toBe(403);
    expect(await exported()).toBe(before);

    const sameOrigin = await rawGet(exportPath, {
      cookie: server.cookie(OWNER),
      "sec-fetch-site": "same-origin",
      "sec-fetch-mode": "navigate",
    });
    expect(sameOrigin.status).toBe(200);
    expect(sameOrigin.type).toBe("application/pdf");
    expect(sameOrigin.text.startsWith("%PDF")).toBe(true);
    expect(await exported()).toBe(before + 1);
  });
});

describe("the account page's current-password check is throttled like sign-in", () => {
  it("ten wrong current passwords, then a 429 with Retry-After, even for the right one", async () => {
    const cookie = server.cookie(REVIEWER);
    const wrong = () =>
      submitForm("/account", { intent: "password", current: "not-my-password", password: "another-password" }, cookie);
    for (let i = 0; i < 10; i++) expect((await wrong()).status).toBe(400);
    const throttled = await wrong();
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get("retry-after"))).toBeGreaterThan(0);
    const right = await submitForm(
      "/account",
      { intent: "password", current: "coplan-demo", password: "another-password" },
      cookie,
    );
    expect(right.status).toBe(429);
  });
});
