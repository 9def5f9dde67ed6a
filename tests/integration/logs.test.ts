import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { requestJson } from "../support/http";
import { RawPeer } from "../support/raw-peer";
import { useTestServer } from "../support/test-server";

const EDITOR = "editor@swindon.example";
const VIEWER = "viewer@police.example";

const server = useTestServer({ users: [EDITOR, VIEWER], demoPlan: true });

interface LogLine {
  level: number;
  time: string;
  msg: string;
  [key: string]: unknown;
}

/** The server's log so far, one JSON object a line. */
function logLines(): LogLine[] {
  return server
    .output()
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as LogLine);
}

async function idOf(email: string): Promise<string> {
  const members = await requestJson(
    server.url,
    "GET",
    `/api/plans/${server.demoPlanId}/members`,
    server.cookie(EDITOR),
  );
  return (members.body as { userId: string; email: string }[]).find((m) => m.email === email)!.userId;
}

const WARN = 40;
const INFO = 30;

describe("structured logs", () => {
  it("a refused update is logged with the time, plan, user and connection, and why", async () => {
    const peer = await RawPeer.connect(server.url, server.demoPlanId, server.cookie(EDITOR));
    const doc = new Y.Doc();
    doc.getMap("not-a-section-root").set("x", 1);
    peer.sendUpdate(Y.encodeStateAsUpdate(doc));
    const closed = await peer.closed;
    expect(closed.code).toBe(4400);

    const refusal = logLines().find((line) => line.msg.startsWith("refused a message"));
    expect(refusal).toMatchObject({
      level: WARN,
      module: "collab",
      planId: server.demoPlanId,
      reason: closed.reason,
      closeCode: 4400,
      userId: await idOf(EDITOR),
    });
    expect(refusal!.connection).toEqual(expect.any(Number));
    expect(Date.parse(refusal!.time)).not.toBeNaN();
  });

  it("a refused request is logged with its request id (sent back as X-Request-Id), user, plan and status", async () => {
    const response = await fetch(`${server.url}/api/plans/${server.demoPlanId}/versions`, {
      method: "POST",
      headers: { cookie: server.cookie(VIEWER), "content-type": "application/json" },
      body: JSON.stringify({ name: "not allowed" }),
    });
    expect(response.status).toBe(403);
    const requestId = response.headers.get("x-request-id");
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const line = await waitForLine((l) => (l.req as { id?: string } | undefined)?.id === requestId);
    expect(line).toMatchObject({
      level: INFO,
      planId: server.demoPlanId,
      userId: await idOf(VIEWER),
      res: { statusCode: 403 },
    });
    expect(JSON.stringify(line)).not.toContain("coplan_session");
  });
});

/** The request line is written as the response finishes, which may be just after the client has it. */
async function waitForLine(match: (line: LogLine) => boolean): Promise<LogLine> {
  for (;;) {
    const found = logLines().find(match);
    if (found) return found;
    await new Promise<void>((resolve) => server.process.stdout!.once("data", () => resolve()));
  }
}
