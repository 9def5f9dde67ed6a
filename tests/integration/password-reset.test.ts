import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { getJson, requestJson, signIn } from "../support/http";
import { closeCode, openPlanSocket } from "../support/session-sockets";
import { linkIn, recipient, startMailbox, type TestMailbox } from "../support/smtp";
import { useTestServer } from "../support/test-server";

const VIEWER = "viewer@police.example";
const REVIEWER = "reviewer@dwp.example";

let mailbox: TestMailbox;
const env: Record<string, string> = { MAIL_RETRY_SECONDS: "0.2" };
beforeAll(async () => {
  mailbox = await startMailbox();
  env.SMTP_URL = mailbox.url;
});
afterAll(() => mailbox.close());

const server = useTestServer({ users: [VIEWER, REVIEWER], demoPlan: true, env });

async function submitForm(url: string, fields: Record<string, string>, cookie?: string) {
  const response = await fetch(url, {
    method: "POST",
    headers: {
      origin: server.url,
      "content-type": "application/x-www-form-urlencoded",
      ...(cookie ? { cookie } : {}),
    },
    body: new URLSearchParams(fields),
    redirect: "manual",
  });
  return { status: response.status, location: response.headers.get("location"), text: await response.text() };
}

async function signInStatus(email: string, password: string): Promise<number> {
  return (await requestJson(server.url, "POST", "/api/session", undefined, { email, password })).status;
}

describe("password reset", () => {
  it("answers 202 whatever the email; the link sets a new password once, the old one is refused and sessions end", async () => {
    const unknown = await requestJson(server.url, "POST", "/api/password-reset", undefined, {
      email: "nobody@nowhere.example",
    });
    const known = await requestJson(server.url, "POST", "/api/password-reset", undefined, { email: VIEWER });
    expect(unknown).toEqual({ status: 202, body: { requested: true } });
    expect(known).toEqual(unknown);

    const mail = await mailbox.waitFor((m) => recipient(m) === VIEWER);
    expect(mail.subject).toBe("Reset your Coplan password");
    expect(mailbox.messages.some((m) => recipient(m) === "nobody@nowhere.example")).toBe(false);
    const link = linkIn(mail, server.url);
    expect(link).toMatch(new RegExp(`^${server.url}/password-reset/[A-Za-z0-9_-]{43}$`));
    expect((await fetch(link)).status).toBe(200);

    const socket = await openPlanSocket(server.url, server.demoPlanId, server.cookie(VIEWER));
    const closed = closeCode(socket);
    const tooShort = await submitForm(link, { password: "short" });
    expect(tooShort.status).toBe(400);
    expect(tooShort.text).toContain("at least 8 characters");

    const done = await submitForm(link, { password: "brand-new-password" });
    expect(done).toMatchObject({ status: 302, location: "/login?reset=done" });
    expect(await closed).toBe(4401);
    expect((await getJson(server.url, "/api/plans", server.cookie(VIEWER))).status).toBe(401);
    expect(await signInStatus(VIEWER, "coplan-demo")).toBe(401);
    expect(await signInStatus(VIEWER, "brand-new-password")).toBe(204);

    expect((await fetch(link)).status).toBe(410);
    const reused = await submitForm(link, { password: "mallorys-password" });
    expect(reused.status).toBe(400);
    expect(await signInStatus(VIEWER, "mallorys-password")).toBe(401);
  });

  it("refuses a malformed request with a 400 and a made-up link with a 410", async () => {
    expect((await requestJson(server.url, "POST", "/api/password-reset", undefined, {})).status).toBe(400);
    expect((await requestJson(server.url, "POST", "/api/password-reset", undefined, "{")).status).toBe(400);
    expect((await fetch(`${server.url}/password-reset/${"A".repeat(43)}`)).status).toBe(410);
  });
});

describe("the account page", () => {
  it("changes the name, and the password only with the current one, ending the person's other sessions", async () => {
    const here = server.cookie(REVIEWER);
    const elsewhere = await signIn(server.url, REVIEWER);
    const elsewhereSocket = await openPlanSocket(server.url, server.demoPlanId, elsewhere);
    const hereSocket = await openPlanSocket(server.url, server.demoPlanId, here);
    const elsewhereClosed = closeCode(elsewhereSocket);

    const renamed = await submitForm(`${server.url}/account`, { intent: "rename", name: "Priya N. Nair" }, here);
    expect(renamed.status).toBe(200);
    const members = await getJson<{ email: string; name: string }[]>(
      server.url,
      `/api/plans/${server.demoPlanId}/members`,
      here,
    );
    expect(members.body.find((m) => m.email === REVIEWER)?.name).toBe("Priya N. Nair");

    const wrong = await submitForm(
      `${server.url}/account`,
      { intent: "password", current: "not-my-password", password: "another-password" },
      here,
    );
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain("The current password is not right");
    expect(await signInStatus(REVIEWER, "another-password")).toBe(401);

    const changed = await submitForm(
      `${server.url}/account`,
      { intent: "password", current: "coplan-demo", password: "another-password" },
      here,
    );
    expect(changed.status).toBe(200);
    expect(await elsewhereClosed).toBe(4401);
    expect((await getJson(server.url, "/api/plans", elsewhere)).status).toBe(401);
    expect((await getJson(server.url, "/api/plans", here)).status).toBe(200);
    expect(hereSocket.readyState).toBe(WebSocket.OPEN);
    hereSocket.close();
    expect(await signInStatus(REVIEWER, "coplan-demo")).toBe(401);
    expect(await signInStatus(REVIEWER, "another-password")).toBe(204);
  });
});
