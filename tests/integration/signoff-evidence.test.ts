import { describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../server/ops/demo-seed.server";
import { contentHashOf, getJson, requestJson, writeIfEmpty } from "../support/http";
import { useTestServer } from "../support/test-server";

const OWNER = "owner@swindon.example";
const LOCAL = "signatory@swindon.example";
const WHITEHALL = "signatory@dclg.example";

const server = useTestServer({ users: [OWNER, LOCAL, WHITEHALL] });

const send = (method: string, path: string, as: string, body?: unknown) =>
  requestJson(server.url, method, path, server.cookie(as), body);

/** A fresh plan in which both demo signatories sign for their sides. */
async function newPlan(title: string): Promise<string> {
  const created = await send("POST", "/api/plans", OWNER, {
    templateId: "single-budget-for-a-place",
    title,
    area: "Swindon",
  });
  const id = created.body.id as string;
  for (const email of [LOCAL, WHITEHALL]) {
    expect((await send("POST", `/api/plans/${id}/members`, OWNER, { email, role: "signatory" })).status).toBe(201);
  }
  return id;
}

const signoffsUrl = (planId: string, key: string) => `/api/plans/${planId}/sections/${key}/signoffs`;

/** Everything a sign-off leaves behind: its records, its audit entries and the version it pins. */
async function traces(planId: string, key: string) {
  const history = await getJson<{ records: unknown[] }>(server.url, signoffsUrl(planId, key), server.cookie(OWNER));
  const audit = await getJson<{ type: string }[]>(server.url, `/api/plans/${planId}/audit`, server.cookie(OWNER));
  const versions = await getJson<{ kind: string }[]>(server.url, `/api/plans/${planId}/versions`, server.cookie(OWNER));
  return {
    records: history.body.records.length,
    audit: audit.body.filter((entry) => entry.type.startsWith("signoff.")).length,
    versions: versions.body.filter((version) => version.kind === "signoff").length,
  };
}

describe("a sign-off is authenticated at signing and states its meaning", () => {
  it("without a password, or with a wrong one, is 401 and recorded nowhere", async () => {
    const planId = await newPlan("Swindon Operational Plan");
    await writeIfEmpty(server.url, planId, "governance", server.cookie(LOCAL));
    const contentHash = await contentHashOf(server.url, planId, "governance", server.cookie(LOCAL));
    const url = signoffsUrl(planId, "governance");

    const missing = await send("POST", url, LOCAL, { contentHash });
    expect(missing.status).toBe(401);
    expect(missing.body.error).toMatch(/password/);
    const empty = await send("POST", url, LOCAL, { contentHash, password: "" });
    expect(empty.status).toBe(401);
    const wrong = await send("POST", url, LOCAL, { contentHash, password: `${DEMO_PASSWORD}x` });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe("that is not your password; nothing was signed");
    const someoneElses = await send("POST", url, LOCAL, { contentHash, password: "another person's password" });
    expect(someoneElses.status).toBe(401);

    expect(await traces(planId, "governance")).toEqual({ records: 0, audit: 0, versions: 0 });
    const plan = await getJson<{ sections: { key: string; signoff: { state: string } }[] }>(
      server.url,
      `/api/plans/${planId}`,
      server.cookie(OWNER),
    );
    expect(plan.body.sections.find((section) => section.key === "governance")!.signoff.state).toBe("unsigned");

    expect((await send("POST", url, LOCAL, { contentHash, password: DEMO_PASSWORD })).status).toBe(201);
    expect(await traces(planId, "governance")).toEqual({ records: 1, audit: 1, versions: 1 });
  });

  it("the record's meaning, written by the server, names the person, role, organisation, side and section; a forged one is ignored", async () => {
    const planId = await newPlan("Swindon Operational Plan");
    await writeIfEmpty(server.url, planId, "governance", server.cookie(LOCAL));
    const contentHash = await contentHashOf(server.url, planId, "governance", server.cookie(LOCAL));
    const statement =
      "I, Margaret Hale, approve section 'Local structures, governance and accountability' of " +
      "'Swindon Operational Plan' for the local side, as Signatory, Swindon Borough Council";
    const before = await getJson<{ statement: string | null }>(
      server.url,
      signoffsUrl(planId, "governance"),
      server.cookie(LOCAL),
    );
    expect(before.body.statement).toBe(statement);

    const signed = await send("POST", signoffsUrl(planId, "governance"), LOCAL, {
      contentHash,
      password: DEMO_PASSWORD,
      meaning: "I approve nothing at all",
      method: "passkey",
    });
    expect(signed.status).toBe(201);
    expect(signed.body).toMatchObject({ meaning: statement, method: "password" });

    const history = await getJson<{ records: { meaning: string; method: string }[] }>(
      server.url,
      signoffsUrl(planId, "governance"),
      server.cookie(OWNER),
    );
    expect(history.body.records).toMatchObject([{ meaning: statement, method: "password" }]);
    const plan = await getJson<{ sections: { key: string; signoff: { records: { meaning: string }[] } }[] }>(
      server.url,
      `/api/plans/${planId}`,
      server.cookie(OWNER),
    );
    expect(plan.body.sections.find((s) => s.key === "governance")!.signoff.records[0]!.meaning).toBe(statement);
    const audit = await getJson<{ type: string; detail: { meaning?: string } }[]>(
      server.url,
      `/api/plans/${planId}/audit`,
      server.cookie(OWNER),
    );
    expect(audit.body.find((entry) => entry.type === "signoff.signed")?.detail.meaning).toBe(statement);

    await writeIfEmpty(server.url, planId, "spending-review-derivation", server.cookie(WHITEHALL));
    const whitehall = await send("POST", signoffsUrl(planId, "spending-review-derivation"), WHITEHALL, {
      contentHash: await contentHashOf(server.url, planId, "spending-review-derivation", server.cookie(WHITEHALL)),
      password: DEMO_PASSWORD,
    });
    expect(whitehall.status).toBe(201);
    expect(whitehall.body.meaning).toMatch(/^I, David Marsh, approve section '.+' of 'Swindon Operational Plan'/);
    expect(whitehall.body.meaning).toContain("for the whitehall side, as Signatory, DCLG");
  });

  it("a section with nothing written is refused with 409, whatever the password, and nothing is recorded", async () => {
    const planId = await newPlan("Empty plan");
    for (const key of ["governance", "shadow-budget", "timescales"]) {
      const url = signoffsUrl(planId, key);
      const reading = await getJson<{ empty: boolean }>(server.url, url, server.cookie(LOCAL));
      expect(reading.body.empty, key).toBe(true);
      const contentHash = await contentHashOf(server.url, planId, key, server.cookie(LOCAL));
      const refused = await send("POST", url, LOCAL, { contentHash, password: DEMO_PASSWORD });
      expect(refused.status, key).toBe(409);
      expect(refused.body.error).toContain("has nothing written in it yet, so there is nothing to sign off");
      expect(await traces(planId, key)).toEqual({ records: 0, audit: 0, versions: 0 });
    }
  });

  it("ten wrong passwords, then the right one, is throttled as sign-in is, for sign-in too", async () => {
    const planId = await newPlan("Throttled plan");
    await writeIfEmpty(server.url, planId, "reform-agenda", server.cookie(WHITEHALL));
    const contentHash = await contentHashOf(server.url, planId, "reform-agenda", server.cookie(WHITEHALL));
    const url = signoffsUrl(planId, "reform-agenda");
    for (let attempt = 0; attempt < 10; attempt++) {
      expect((await send("POST", url, WHITEHALL, { contentHash, password: `guess ${attempt}` })).status).toBe(401);
    }
    const right = await fetch(`${server.url}${url}`, {
      method: "POST",
      headers: { cookie: server.cookie(WHITEHALL), "content-type": "application/json" },
      body: JSON.stringify({ contentHash, password: DEMO_PASSWORD }),
    });
    expect(right.status).toBe(429);
    expect(Number(right.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await right.json()) as { error: string }).error).toMatch(/^too many wrong passwords; try again in \d+ s$/);
    expect(await traces(planId, "reform-agenda")).toEqual({ records: 0, audit: 0, versions: 0 });

    const signIn = await fetch(`${server.url}/api/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: WHITEHALL, password: DEMO_PASSWORD }),
    });
    expect(signIn.status).toBe(429);
  });
});
