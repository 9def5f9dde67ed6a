import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getJson, requestJson, signIn } from "../support/http";
import { linkIn, recipient, startMailbox, type TestMailbox } from "../support/smtp";
import { useTestServer } from "../support/test-server";

const OWNER = "owner@swindon.example";
const EDITOR = "editor@swindon.example";

let mailbox: TestMailbox;
const env: Record<string, string> = { MAIL_RETRY_SECONDS: "0.2" };
beforeAll(async () => {
  mailbox = await startMailbox();
  env.SMTP_URL = mailbox.url;
});
afterAll(() => mailbox.close());

const server = useTestServer({ users: [OWNER, EDITOR], demoPlan: true, env });

function invite(body: Record<string, string>, cookie = server.cookie(OWNER)) {
  return requestJson(server.url, "POST", `/api/plans/${server.demoPlanId}/members`, cookie, body);
}

/** Submits the invitation page's form as the browser does, and answers status, cookie and where it leads. */
async function acceptAt(link: string, fields: Record<string, string>) {
  const response = await fetch(link, {
    method: "POST",
    headers: { origin: server.url, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields),
    redirect: "manual",
  });
  return {
    status: response.status,
    location: response.headers.get("location"),
    cookie: response.headers.get("set-cookie")?.split(";")[0] ?? null,
    text: await response.text(),
  };
}

async function invitationMailTo(email: string, after = 0) {
  const mail = await mailbox.waitFor((m) => recipient(m) === email && mailbox.messages.indexOf(m) >= after);
  return { mail, link: linkIn(mail, server.url) };
}

describe("invitations", () => {
  it("invite, email, link, set a password, land on the plan as a member with the role; the link then no longer works", async () => {
    const answer = await invite({
      email: "Newcomer@Example.org",
      role: "reviewer",
      organisation: "Swindon Youth Trust",
      side: "whitehall",
    });
    expect(answer).toEqual({ status: 202, body: { invited: true } });

    const { mail, link } = await invitationMailTo("newcomer@example.org");
    expect(mail.subject).toBe('Alison Reed invited you to "Swindon: a single budget for the place"');
    expect(mail.text).toContain("as a reviewer");
    expect(mail.html).toContain(`href="${link}"`);
    expect(link).toMatch(new RegExp(`^${server.url}/invitations/[A-Za-z0-9_-]{43}$`));

    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Create my account");

    const pending = await getJson<{ email: string; role: string }[]>(
      server.url,
      `/api/plans/${server.demoPlanId}/invitations`,
      server.cookie(OWNER),
    );
    expect(pending.body).toEqual([expect.objectContaining({ email: "newcomer@example.org", role: "reviewer" })]);

    const accepted = await acceptAt(link, { name: "Nadia Newcomer", password: "a-new-password" });
    expect(accepted.status).toBe(302);
    expect(accepted.location).toBe(`/plans/${server.demoPlanId}`);
    expect(accepted.cookie).toMatch(/^coplan_session=/);

    const plan = await getJson<{ id: string }>(server.url, `/api/plans/${server.demoPlanId}`, accepted.cookie!);
    expect(plan.status).toBe(200);
    const members = await getJson<{ email: string; name: string; role: string; organisation: string; side: string }[]>(
      server.url,
      `/api/plans/${server.demoPlanId}/members`,
      server.cookie(OWNER),
    );
    expect(members.body.find((m) => m.email === "newcomer@example.org")).toMatchObject({
      name: "Nadia Newcomer",
      role: "reviewer",
      organisation: "Swindon Youth Trust",
      side: "whitehall",
    });
    expect(await signIn(server.url, "newcomer@example.org", "a-new-password")).toMatch(/^coplan_session=/);

    const again = await acceptAt(link, { name: "Mallory", password: "another-password" });
    expect(again.status).toBe(400);
    expect(again.text).toContain("has been used, withdrawn or has expired");
    expect((await fetch(link)).status).toBe(410);
    const stillPending = await getJson<unknown[]>(
      server.url,
      `/api/plans/${server.demoPlanId}/invitations`,
      server.cookie(OWNER),
    );
    expect(stillPending.body).toEqual([]);
  });

  it("an unknown email gets the same answer every time, and inviting again resends with a new link", async () => {
    const first = await invite({ email: "twice@example.org", role: "viewer" });
    const { link: firstLink } = await invitationMailTo("twice@example.org");
    const count = mailbox.messages.length;
    const second = await invite({ email: "twice@example.org", role: "editor" });
    expect(second).toEqual(first);
    const { link: secondLink } = await invitationMailTo("twice@example.org", count);
    expect(secondLink).not.toBe(firstLink);
    expect((await fetch(firstLink)).status).toBe(410);

    const accepted = await acceptAt(secondLink, { name: "Tess Twice", password: "a-new-password" });
    expect(accepted.status).toBe(302);
    const members = await getJson<{ email: string; role: string; organisation: string; side: string }[]>(
      server.url,
      `/api/plans/${server.demoPlanId}/members`,
      server.cookie(OWNER),
    );
    // By default the invitee is of the inviter's organisation and side.
    expect(members.body.find((m) => m.email === "twice@example.org")).toMatchObject({
      role: "editor",
      organisation: "Swindon Borough Council",
      side: "local",
    });
  });

  it("a withdrawn invitation's link no longer works; resending sends a new one", async () => {
    await invite({ email: "withdrawn@example.org", role: "viewer" });
    const { link } = await invitationMailTo("withdrawn@example.org");
    const pending = await getJson<{ id: string; email: string }[]>(
      server.url,
      `/api/plans/${server.demoPlanId}/invitations`,
      server.cookie(OWNER),
    );
    const id = pending.body.find((i) => i.email === "withdrawn@example.org")!.id;

    const count = mailbox.messages.length;
    const resend = await requestJson(
      server.url,
      "POST",
      `/api/plans/${server.demoPlanId}/invitations/${id}/resend`,
      server.cookie(OWNER),
    );
    expect(resend.status).toBe(204);
    const { link: newLink } = await invitationMailTo("withdrawn@example.org", count);
    expect((await fetch(link)).status).toBe(410);
    expect((await fetch(newLink)).status).toBe(200);

    const withdraw = await requestJson(
      server.url,
      "DELETE",
      `/api/plans/${server.demoPlanId}/invitations/${id}`,
      server.cookie(OWNER),
    );
    expect(withdraw.status).toBe(204);
    expect((await fetch(newLink)).status).toBe(410);
    expect((await acceptAt(newLink, { name: "Too Late", password: "a-new-password" })).status).toBe(400);
    const again = await requestJson(
      server.url,
      "DELETE",
      `/api/plans/${server.demoPlanId}/invitations/${id}`,
      server.cookie(OWNER),
    );
    expect(again.status).toBe(404);
  });

  it("only owners invite or see invitations", async () => {
    expect((await invite({ email: "sneaky@example.org", role: "owner" }, server.cookie(EDITOR))).status).toBe(403);
    const list = await getJson(server.url, `/api/plans/${server.demoPlanId}/invitations`, server.cookie(EDITOR));
    expect(list.status).toBe(403);
  });

  it("a made-up or malformed link shows that the invitation no longer works, and makes no account", async () => {
    for (const token of ["x".repeat(43), "short", "%00"]) {
      expect((await fetch(`${server.url}/invitations/${token}`)).status).toBe(410);
      const attempt = await acceptAt(`${server.url}/invitations/${token}`, { name: "X", password: "a-new-password" });
      expect(attempt.status).toBe(400);
    }
  });
});
