import { describe, expect, it } from "vitest";
import { useTestServer } from "../support/test-server";

const OWNER = "owner@swindon.example";
const server = useTestServer({ users: [OWNER], demoPlan: true });

async function titleOf(path: string): Promise<{ status: number; title: string | undefined }> {
  const response = await fetch(`${server.url}${path}`, { headers: { cookie: server.cookie(OWNER) } });
  const html = await response.text();
  return { status: response.status, title: /<title>([^<]*)<\/title>/.exec(html)?.[1] };
}

describe("every page has a title", () => {
  it("a page that does not exist, and a plan that does not, are called 'Page not found'", async () => {
    expect(await titleOf("/no-such-page")).toEqual({ status: 404, title: "Page not found · Coplan" });
    expect(await titleOf("/plans/00000000-0000-4000-8000-000000000000")).toEqual({
      status: 404,
      title: "Page not found · Coplan",
    });
  });
});
