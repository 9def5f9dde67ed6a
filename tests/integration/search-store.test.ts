import { and, eq, sql } from "drizzle-orm";
import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sectionFragmentName } from "../../app/shared/doc-names";
import { isRefusal } from "../../app/shared/errors";
import type { Plan } from "../../db/schema";
import type { Store } from "../../db/store.server";
import { SearchService } from "../../server/search/search-service.server";
import { TEMPLATES_DIR } from "../../server/services.server";
import { loadTemplates } from "../../server/templates/template-files.server";
import { openTestStore, STORE_KINDS, type TestStore } from "../support/stores";

const TITLES: Record<string, string> = {
  governance: "Oversight",
  "reform-agenda": "Direction",
  "service-redesign": "Redesign",
};
const builtIn = loadTemplates(TEMPLATES_DIR).get("single-budget-for-a-place")!;
/** Three text sections, titled in words the documents below do not use unless meant to. */
const template = {
  ...builtIn,
  sections: builtIn.sections
    .filter((section) => section.key in TITLES)
    .map((section) => ({ ...section, title: TITLES[section.key]! })),
};

function person(id: string) {
  return {
    id,
    email: `${id}@example.org`,
    name: id,
    organisation: "Swindon",
    side: "local" as const,
    passwordHash: "x",
  };
}

/** A document whose text sections hold the given words. */
function docWith(texts: Record<string, string>): Y.Doc {
  const doc = new Y.Doc();
  for (const [key, words] of Object.entries(texts)) {
    const paragraph = new Y.XmlElement("paragraph");
    paragraph.insert(0, [new Y.XmlText(words)]);
    doc.getXmlFragment(sectionFragmentName(key)).insert(0, [paragraph]);
  }
  return doc;
}

describe.each(STORE_KINDS)("search on the %s store", (kind) => {
  let opened: TestStore;
  let store: Store;
  let search: SearchService;
  const plans: Record<string, Plan> = {};

  async function makePlan(id: string, title: string, members: string[], texts: Record<string, string>) {
    const { plans: planTable, planMembers } = store.tables;
    const [plan] = await store.db
      .insert(planTable)
      .values({ id, title, area: "Swindon", templateId: template.id, template, createdBy: "ann" })
      .returning();
    for (const userId of members) await store.db.insert(planMembers).values({ planId: id, userId, role: "owner" });
    plans[id] = plan!;
    return search.indexPlan(plan!, docWith(texts));
  }

  beforeAll(async () => {
    opened = await openTestStore(kind);
    store = opened.store;
    const { planMembers, users } = store.tables;
    // Membership alone decides here: the access service's own rule is tested with it.
    search = new SearchService(
      store,
      (userId) => sql`(select ${planMembers.planId} from ${planMembers} where ${planMembers.userId} = ${userId})`,
    );
    await store.db.insert(users).values([person("ann"), person("bob")]);
    await makePlan("p1", "Pooled budget for Swindon", ["ann", "bob"], {
      governance: "The reservoir board meets monthly; its budgets are agreed by the leaders.",
      "reform-agenda": "Early help for families with multiple problems, under oversight.",
    });
    await makePlan("p2", "Troubled families", ["ann", "bob"], {
      "service-redesign": "A budget is pooled later, and governance follows the reservoir.",
    });
    await makePlan("p3", "Hidden plan", ["ann"], { governance: "The reservoir of secrets." });
  });
  afterAll(() => opened?.dispose());

  it("finds a word, with the matched words marked in the snippet, only in plans the viewer may read", async () => {
    const results = await search.search({ id: "bob" }, "reservoir");
    expect(results.map((r) => [r.planId, r.sectionKey]).sort()).toEqual([
      ["p1", "governance"],
      ["p2", "service-redesign"],
    ]);
    const governance = results.find((r) => r.planId === "p1")!;
    expect(governance).toMatchObject({ planTitle: "Pooled budget for Swindon", sectionTitle: "Oversight" });
    expect(governance.snippet).toContain("The <mark>reservoir</mark> board");
    expect((await search.search({ id: "ann" }, "reservoir")).map((r) => r.planId).sort()).toEqual(["p1", "p2", "p3"]);
    expect((await search.search({ id: "bob", isAdmin: true }, "secrets")).map((r) => r.planId)).toEqual(["p3"]);
    expect(await search.search({ id: "bob" }, "secrets")).toEqual([]);
  });

  it("stems English: budgets finds budget, and budget finds budgets", async () => {
    const budgets = await search.search({ id: "bob" }, "budgets leaders");
    expect(budgets.map((r) => [r.planId, r.sectionKey])).toEqual([["p1", "governance"]]);
    expect(budgets[0]!.snippet).toContain("<mark>budgets</mark>");
    const budget = await search.search({ id: "bob" }, "budget leaders");
    expect(budget.map((r) => [r.planId, r.sectionKey])).toEqual([["p1", "governance"]]);
    const pooled = await search.search({ id: "bob" }, "budgets pooled");
    expect(pooled.map((r) => [r.planId, r.sectionKey]).sort()).toEqual([
      ["p1", null],
      ["p2", "service-redesign"],
    ]);
    expect(pooled.find((r) => r.sectionKey === null)!.snippet).toBe(
      "<mark>Pooled</mark> <mark>budget</mark> for Swindon",
    );
  });

  it("matches the last word typed as a prefix, and only the last", async () => {
    expect((await search.search({ id: "bob" }, "reserv")).map((r) => r.planId).sort()).toEqual(["p1", "p2"]);
    expect(await search.search({ id: "bob" }, "reserv board")).toEqual([]);
    expect((await search.search({ id: "bob" }, "reservoir boa")).map((r) => r.planId)).toEqual(["p1"]);
  });

  it("matches a quoted phrase only with its words together and in order", async () => {
    expect((await search.search({ id: "bob" }, '"pooled budget"')).map((r) => [r.planId, r.sectionKey])).toEqual([
      ["p1", null],
    ]);
    expect(await search.search({ id: "bob" }, '"budget pooled"')).toEqual([]);
    expect((await search.search({ id: "bob" }, "budget pooled")).map((r) => r.planId).sort()).toEqual(["p1", "p2"]);
  });

  it("ranks a match in a title above one in a body", async () => {
    const results = await search.search({ id: "bob" }, "oversight");
    expect(
      results
        .map((r) => [r.planId, r.sectionKey])
        .slice(0, 2)
        .sort(),
    ).toEqual([
      ["p1", "governance"],
      ["p2", "governance"],
    ]);
    expect(results.map((r) => [r.planId, r.sectionKey]).slice(2)).toEqual([["p1", "reform-agenda"]]);
  });

  it("answers results or none, never an error, whatever the query's punctuation", async () => {
    const queries = [
      '"',
      "'",
      "reservoir'",
      '"reservoir',
      'budget" OR "x',
      "NEAR(reservoir board)",
      "reservoir NEAR board",
      "reserv:*",
      ":*",
      "&|!",
      "budget & !families",
      "budget | families",
      "!reservoir",
      "<-> reservoir",
      "reservoir:A",
      "-reservoir",
      "(reservoir",
      "reservoir)",
      "reservoir*",
      "'; drop table plans; --",
      "\\",
      "a'b",
      "the and or",
      "über café",
      "budget NOT families",
      "{reservoir}",
      "^reservoir",
      "reservoir + board",
    ];
    for (const query of queries) {
      try {
        const results = await search.search({ id: "bob" }, query);
        expect(Array.isArray(results), query).toBe(true);
      } catch (error) {
        expect(isRefusal(error) && error.kind === "invalid", `${query}: ${String(error)}`).toBe(true);
      }
    }
    expect((await search.search({ id: "bob" }, "NEAR(reservoir board)")).map((r) => r.planId)).toEqual([]);
    // Not typed last, so not a prefix: FTS5 and tsquery alike look for the word "reserv".
    expect(await search.search({ id: "bob" }, "reserv:*")).toEqual([]);
    expect((await search.search({ id: "bob" }, "budget | reservoir")).map((r) => r.sectionKey).sort()).toEqual([
      "governance",
      "service-redesign",
    ]);
    expect(await store.db.select().from(store.tables.plans)).toHaveLength(3);
  });

  it("writes only the rows whose words changed, and tells when each plan's words last changed", async () => {
    // Later than the rows written as the plan was made, so the latest edit is this one.
    const editedAt = new Date(Date.now() + 86_400_123);
    const unchanged = docWith({ governance: "The reservoir of secrets." });
    expect(await search.indexPlan(plans.p3!, unchanged, new Set(["governance"]), editedAt)).toBe(0);
    const changed = docWith({ governance: "The reservoir of answers." });
    expect(await search.indexPlan(plans.p3!, changed, new Set(["governance"]), editedAt)).toBe(1);
    expect((await search.search({ id: "ann" }, "answers")).map((r) => r.planId)).toEqual(["p3"]);
    expect(await search.search({ id: "ann" }, "secrets")).toEqual([]);
    const edits = await search.lastEdits(["p3", "p1", "none"]);
    expect(edits.get("p3")).toEqual(editedAt);
    expect(edits.get("p1")).toBeInstanceOf(Date);
    expect(edits.has("none")).toBe(false);
  });

  it("pages the plans to index by id: those not indexed, or all of them", async () => {
    const { plans: planTable, searchDocuments } = store.tables;
    await store.db
      .insert(planTable)
      .values({ id: "p0", title: "Unindexed", area: "Swindon", templateId: template.id, template });
    expect((await search.plansToIndex("", 10, false)).map((p) => p.id)).toEqual(["p0"]);
    const pages: string[][] = [];
    let after = "";
    for (;;) {
      const page = await search.plansToIndex(after, 2, true);
      if (page.length === 0) break;
      pages.push(page.map((p) => p.id));
      after = page.at(-1)!.id;
    }
    expect(pages).toEqual([
      ["p0", "p1"],
      ["p2", "p3"],
    ]);
    expect(pages[0]![0] && (await search.plansToIndex("p0", 10, false))).toEqual([]);
    await store.db.delete(searchDocuments).where(eq(searchDocuments.planId, "p0"));
  });

  it("writes a plan's words in the order they were read, however many writes overlap", async () => {
    const { searchDocuments } = store.tables;
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        search.indexPlan(plans.p3!, docWith({ governance: `draft${i} of the words` }), new Set(["governance"])),
      ),
    );
    await search.settled();
    const [row] = await store.db
      .select({ body: searchDocuments.body })
      .from(searchDocuments)
      .where(and(eq(searchDocuments.planId, "p3"), eq(searchDocuments.sectionKey, "governance")));
    expect(row!.body).toBe("draft9 of the words");
  });

  it("remembers whether the index was closed cleanly", async () => {
    expect(await search.wasClosedCleanly()).toBe(false);
    await search.markClosedCleanly(true);
    expect(await search.wasClosedCleanly()).toBe(true);
    await search.markClosedCleanly(false);
    expect(await search.wasClosedCleanly()).toBe(false);
  });
});
