import { describe, expect, it } from "vitest";
import { useTestServer } from "../support/test-server";

const OWNER = "owner@swindon.example";
const server = useTestServer({ users: [OWNER] });

const KIB = 1024;

function post(path: string, body: string, cookie?: string) {
  return fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}) },
    body,
  });
}

describe("one body limit, 512 KiB, for JSON as for everything else", () => {
  it("a 400 KiB JSON body is read and answered on its merits; past 512 KiB it is a 413", async () => {
    const padding = "a".repeat(400 * KIB);
    const within = await post("/api/session", JSON.stringify({ email: OWNER, password: "not-it", padding }));
    expect(within.status).toBe(401);
    const beyond = await post(
      "/api/session",
      JSON.stringify({ email: OWNER, password: "not-it", padding: padding + padding }),
    );
    expect(beyond.status).toBe(413);
    expect((await beyond.json()).error).toBe("request body too large (512 KiB at most)");
  });

  it("a template file past its own 256 KiB limit is a 400 that says so", async () => {
    const file = JSON.stringify({ id: "too-big", description: "x".repeat(300 * KIB) });
    const answer = await post("/api/templates", file, server.cookie(OWNER));
    expect(answer.status).toBe(400);
    expect((await answer.json()).error).toBe("a template file is at most 256 KiB");
  });
});
