import { afterEach, describe, expect, it } from "vitest";
import { createUser, newUserSchema } from "../../server/auth/users.server";
import { loadEnv } from "../../server/env.server";
import { createServices, type Services } from "../../server/services.server";

let services: Services | undefined;
afterEach(async () => await services?.close());

async function setUp() {
  services = await createServices(loadEnv({ NODE_ENV: "test", DATABASE_PATH: ":memory:", SEED_DEMO: "0" }));
  const user = (email: string) =>
    createUser(
      services!.db,
      newUserSchema.parse({ email, name: email, organisation: "Test", side: "local", password: "a-long-password-1" }),
    );
  const owner = await user("owner@test.example");
  const other = await user("other@test.example");
  const plan = await services.plans.create(owner.id, {
    templateId: "single-budget-for-a-place",
    title: "Zephyr",
    area: "Leeds",
  });
  return { services, owner, other, plan };
}

describe("what an administrator sees across plans", () => {
  it("every plan, in the portfolio, its sections and search, though not a member", async () => {
    const { services, other, plan } = await setUp();
    const admin = { id: other.id, isAdmin: true };
    expect((await services.portfolio.list(admin)).map((row) => row.id)).toEqual([plan.id]);
    expect((await services.portfolio.sections(admin, plan.id))?.sections.length).toBe(plan.template.sections.length);
    expect(services.search.search(admin, "zephyr").map((result) => result.planId)).toEqual([plan.id]);
  });

  it("nothing of a plan they are not in, without the flag", async () => {
    const { services, other, plan } = await setUp();
    expect(await services.portfolio.list({ id: other.id })).toEqual([]);
    expect(await services.portfolio.sections({ id: other.id }, plan.id)).toBeNull();
    expect(services.search.search({ id: other.id }, "zephyr")).toEqual([]);
  });
});
