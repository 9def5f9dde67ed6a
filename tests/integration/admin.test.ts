import { describe, expect, it, vi } from "vitest";
import { getJson, requestJson, signIn } from "../support/http";
import { closeCode, openPlanSocket } from "../support/session-sockets";
import { useTestServer } from "../support/test-server";

const ADMIN = "owner@swindon.example";
const EDITOR = "editor@swindon.example";
const SIGNATORY = "signatory@dclg.example";

// No SMTP_URL: mail is kept in the outbox.
const server = useTestServer({ users: [ADMIN, EDITOR, SIGNATORY], demoPlan: true });

interface UserRow {
  id: string;
  email: string;
  isAdmin: boolean;
  deactivatedAt: string | null;
}

async function userId(email: string): Promise<string> {
  const { body } = await getJson<UserRow[]>(server.url, "/api/admin/users", server.cookie(ADMIN));
  return body.find((u) => u.email === email)!.id;
}

describe("administration", () => {
  it("lists users for administrators only; the demo owner is the demo's administrator", async () => {
    const list = await getJson<UserRow[]>(server.url, "/api/admin/users", server.cookie(ADMIN));
    expect(list.status).toBe(200);
    expect(list.body.find((u) => u.email === ADMIN)).toMatchObject({ isAdmin: true, deactivatedAt: null });
    expect(list.body.filter((u) => u.isAdmin)).toHaveLength(1);
    expect((await getJson(server.url, "/api/admin/users", server.cookie(EDITOR))).status).toBe(403);
    expect((await getJson(server.url, "/api/admin/outbox", server.cookie(EDITOR))).status).toBe(403);
    expect((await fetch(`${server.url}/admin`, { headers: { cookie: server.cookie(EDITOR) } })).status).toBe(404);
    const page = await fetch(`${server.url}/admin`, { headers: { cookie: server.cookie(ADMIN) } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("David Marsh");
  });

  it("deactivating someone closes their open socket and notification stream at once, ends their sessions and refuses sign-in; reactivating lets them back", async () => {
    const id = await userId(SIGNATORY);
    const socket = await openPlanSocket(server.url, server.demoPlanId, server.cookie(SIGNATORY));
    const closed = closeCode(socket);
    const stream = await fetch(`${server.url}/api/notifications/stream`, {
      headers: { cookie: server.cookie(SIGNATORY) },
    });
    const streamEnded = stream.text();
    const answer = await requestJson(server.url, "POST", `/api/admin/users/${id}/deactivate`, server.cookie(ADMIN));
    expect(answer.status).toBe(204);
    expect(await closed).toBe(4401);
    expect(await streamEnded).toMatch(/^retry: 3000\n\ndata: \{"unread":0,"latest":null\}\n\n$/);
    expect((await getJson(server.url, "/api/plans", server.cookie(SIGNATORY))).status).toBe(401);
    const signInAgain = await requestJson(server.url, "POST", "/api/session", undefined, {
      email: SIGNATORY,
      password: "coplan-demo",
    });
    expect(signInAgain.status).toBe(401);
    await expect(openPlanSocket(server.url, server.demoPlanId, server.cookie(SIGNATORY))).rejects.toThrow(/401/);

    expect(
      (await requestJson(server.url, "POST", `/api/admin/users/${id}/reactivate`, server.cookie(ADMIN))).status,
    ).toBe(204);
    expect(await signIn(server.url, SIGNATORY)).toMatch(/^coplan_session=/);
  });

  it("refuses to deactivate yourself or an unknown user, and a non-administrator", async () => {
    const self = await userId(ADMIN);
    expect(
      (await requestJson(server.url, "POST", `/api/admin/users/${self}/deactivate`, server.cookie(ADMIN))).status,
    ).toBe(409);
    expect(
      (await requestJson(server.url, "POST", "/api/admin/users/nobody/deactivate", server.cookie(ADMIN))).status,
    ).toBe(404);
    expect(
      (await requestJson(server.url, "POST", `/api/admin/users/${self}/deactivate`, server.cookie(EDITOR))).status,
    ).toBe(403);
  });

  it("with no SMTP server, an invitation is kept in the outbox, where administrators read it and its link", async () => {
    const invited = await requestJson(server.url, "POST", "/api/admin/invitations", server.cookie(ADMIN), {
      email: "outbox@example.org",
      organisation: "Wiltshire Council",
      side: "local",
    });
    expect(invited).toEqual({ status: 202, body: { invited: true } });
    const duplicate = await requestJson(server.url, "POST", "/api/admin/invitations", server.cookie(ADMIN), {
      email: EDITOR,
      organisation: "X",
      side: "local",
    });
    expect(duplicate.status).toBe(409);

    type Message = { to: string; subject: string; text: string; status: string };
    const kept = await vi.waitFor(async () => {
      const { body } = await getJson<Message[]>(server.url, "/api/admin/outbox", server.cookie(ADMIN));
      const message = body.find((m) => m.to === "outbox@example.org");
      expect(message?.status).toBe("kept");
      return message!;
    });
    expect(kept).toMatchObject({ subject: "Alison Reed invited you to Coplan", status: "kept" });
    expect(server.output()).toMatch(
      /"msg":"mail #\d+ kept in the outbox \(no SMTP_URL\): to outbox@example\.org: Alison Reed invited you to Coplan"/,
    );
    const link = /http:\/\/localhost:\d+\/invitations\/\S+/.exec(kept.text)![0];

    const page = await fetch(`${server.url}/admin/outbox`, { headers: { cookie: server.cookie(ADMIN) } });
    expect(await page.text()).toContain("Alison Reed invited you to Coplan");

    const accepted = await fetch(link, {
      method: "POST",
      headers: { origin: server.url, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ name: "Olive Outbox", password: "a-new-password" }),
      redirect: "manual",
    });
    expect(accepted.status).toBe(302);
    expect(accepted.headers.get("location")).toBe("/plans");
    const cookie = await signIn(server.url, "outbox@example.org", "a-new-password");
    expect((await getJson<unknown[]>(server.url, "/api/plans", cookie)).body).toEqual([]);
  });
});
