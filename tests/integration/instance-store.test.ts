import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlanTemplate } from "../../app/shared/template-schema";
import type { Store } from "../../db/store.server";
import { resolveSessionSecret } from "../../server/auth/session-secret.server";
import { createUser, newUserSchema } from "../../server/auth/users.server";
import { resolveSeal } from "../../server/seal/instance-seal.server";
import { TemplateCatalog } from "../../server/templates/template-catalog.server";
import { openTestStore, STORE_KINDS, type TestStore } from "../support/stores";

const template = (id: string) => ({
  id,
  version: 1,
  title: `Template ${id}`,
  description: "For a test.",
  source: "Written for a test",
  sections: [{ key: "aims", title: "Aims", kind: "text", guidance: "What it is for.", signoff: ["local"] }],
});

const BUILT_IN = new Map<string, PlanTemplate>([["built-in", template("built-in") as PlanTemplate]]);

describe.each(STORE_KINDS)("what the instance keeps on the %s store", (kind) => {
  let opened: TestStore;
  let store: Store;

  beforeAll(async () => {
    opened = await openTestStore(kind);
    store = opened.store;
  });
  afterAll(() => opened?.dispose());

  const person = (email: string) =>
    createUser(
      store,
      newUserSchema.parse({ email, name: email, password: "long-enough-pw", organisation: "Org", side: "local" }),
    );

  it("imports a template for its importer only, in the order imported, refusing an id taken even at once", async () => {
    const ann = await person("ann@example.org");
    const bob = await person("bob@example.org");
    const catalog = new TemplateCatalog(store, BUILT_IN);
    const both = await Promise.allSettled([
      catalog.import(ann.id, "a.json", JSON.stringify(template("mine"))),
      catalog.import(ann.id, "b.json", JSON.stringify(template("mine"))),
    ]);
    expect(both.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect((both.find((r) => r.status === "rejected") as PromiseRejectedResult).reason).toMatchObject({
      kind: "conflict",
    });
    await catalog.import(ann.id, "c.json", JSON.stringify(template("another")));
    await expect(catalog.import(ann.id, "d.json", JSON.stringify(template("built-in")))).rejects.toMatchObject({
      kind: "conflict",
    });
    expect((await catalog.forUser(ann.id)).map((t) => t.id)).toEqual(["built-in", "mine", "another"]);
    expect((await catalog.forUser(bob.id)).map((t) => t.id)).toEqual(["built-in"]);
    expect((await catalog.find(ann.id, "mine"))?.sections[0]).toMatchObject({ key: "aims", signoff: ["local"] });
    expect(await catalog.find(bob.id, "mine")).toBeUndefined();
  });

  it("makes one session secret and one seal, though two processes start at once, and keeps them", async () => {
    const secrets = await Promise.all([resolveSessionSecret(store, undefined), resolveSessionSecret(store, undefined)]);
    expect(secrets[0]).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(secrets[1]).toBe(secrets[0]);
    expect(await resolveSessionSecret(store, undefined)).toBe(secrets[0]);
    expect(await resolveSessionSecret(store, "configured-secret-value")).toBe("configured-secret-value");

    const env = { PUBLIC_URL: "https://coplan.example.gov.uk" };
    const seals = await Promise.all([resolveSeal(store, env), resolveSeal(store, env)]);
    expect(seals[1].fingerprint).toBe(seals[0].fingerprint);
    expect(seals[0]).toMatchObject({
      source: "generated",
      commonName: expect.stringContaining("coplan.example.gov.uk"),
    });
    expect((await resolveSeal(store, env)).fingerprint).toBe(seals[0].fingerprint);
  });
});
