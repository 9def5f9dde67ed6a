import { type SqliteStore } from "../../db/store.server";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import * as Y from "yjs";
import { sectionFragmentName } from "../../app/shared/doc-names";
import { addRow } from "../../app/shared/section-rows";
import { plans as planTable } from "../../db/schema";
import { createUser, newUserSchema } from "../../server/auth/users.server";
import { SqliteDocStore } from "../../server/collab/doc-store.server";
import { loadEnv } from "../../server/env.server";
import { createServices } from "../../server/services.server";
import { seededRandom } from "../support/random";

/** Words for generated narratives: common ones, and rarer ones that queries look for. */
const COMMON =
  "the council will pool budgets with health partners to reduce duplication and improve outcomes for families across the place while keeping accountability clear".split(
    " ",
  );
const RARE = Array.from({ length: 400 }, (_, i) => `term${i.toString(36)}`);

function paragraph(random: ReturnType<typeof seededRandom>, words: number): string {
  return Array.from({ length: words }, () => (random.next() < 0.08 ? random.pick(RARE) : random.pick(COMMON))).join(
    " ",
  );
}

function timed(work: () => unknown): number {
  const start = performance.now();
  work();
  return performance.now() - start;
}

async function timedAsync(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

/**
 * In-process, on a fresh database: `plans` generated plans (narratives in four sections, three
 * milestone rows and a budget row each), then search latency for a member of 10 plans and for
 * an administrator, against a reference `LIKE` scan of the same rows; the portfolio for an
 * administrator against the reference of reading every plan's stored state; and the index's
 * cost per stored update against the store's own append.
 */
export async function measureSearchAndPortfolio(plans: number, queries: number, seed = 7) {
  const dir = mkdtempSync(join(tmpdir(), "coplan-bench-search-"));
  const services = await createServices(
    loadEnv({ NODE_ENV: "production", DATABASE_PATH: join(dir, "bench.sqlite"), SEED_DEMO: "0" }),
  );
  const sqlite = (services.store as SqliteStore).sync;
  const store = new SqliteDocStore(sqlite, (services.store as SqliteStore).gate);
  try {
    const random = seededRandom(seed);
    const user = async (email: string) =>
      createUser(
        services.store,
        newUserSchema.parse({ email, name: email, organisation: "Bench", side: "local", password: "bench-password-1" }),
      );
    const owner = await user("owner@bench.example");
    const member = await user("member@bench.example");
    const ids: string[] = [];
    for (let index = 0; index < plans; index++) {
      const plan = await services.plans.create(owner.id, {
        templateId: "single-budget-for-a-place",
        title: `Plan ${index} for ${random.pick(RARE)}`,
        area: `Area ${index % 40}`,
      });
      ids.push(plan.id);
      if (index % Math.ceil(plans / 10) === 0)
        await services.members.add(owner.id, plan.id, { email: member.email, role: "viewer" });
      const stored = await services.rooms.peek(plan.id, (doc) => Y.encodeStateAsUpdate(doc));
      const doc = new Y.Doc();
      Y.applyUpdate(doc, stored);
      const before = Y.encodeStateVector(doc);
      for (const key of ["customer-insight", "governance", "options-appraisal", "service-redesign"]) {
        const fragment = doc.getXmlFragment(sectionFragmentName(key));
        fragment.insert(
          0,
          [0, 1, 2].map(() => {
            const element = new Y.XmlElement("paragraph");
            element.insert(0, [new Y.XmlText(paragraph(random, 60))]);
            return element;
          }),
        );
      }
      for (let row = 0; row < 3; row++) {
        addRow(doc, "timescales", "milestones", {
          milestone: paragraph(random, 6),
          due: random.next() < 0.5 ? "2012-03-31" : "2099-01-01",
          status: "in-progress",
        });
      }
      addRow(doc, "shadow-budget", "budget", { organisation: paragraph(random, 3), notes: paragraph(random, 8) });
      await store.append(plan.id, Y.encodeStateAsUpdate(doc, before));
      await services.search.indexPlan(plan, doc);
    }

    const queryList = Array.from({ length: queries }, () =>
      random.next() < 0.5 ? random.pick(RARE) : `${random.pick(COMMON)} ${random.pick(RARE).slice(0, 5)}`,
    );
    const like = sqlite.$client.prepare(
      "select d.plan_id from search_documents d join plan_members m on m.plan_id = d.plan_id and m.user_id = ? where d.body like ? limit 50",
    );
    const searchMember: number[] = [];
    const searchAdmin: number[] = [];
    const likeScan: number[] = [];
    let hits = 0;
    for (const q of queryList) {
      searchMember.push(
        await timedAsync(async () => (hits += (await services.search.search({ id: member.id }, q)).length)),
      );
      searchAdmin.push(await timedAsync(() => services.search.search({ id: owner.id, isAdmin: true }, q)));
      const word = q.split(" ").at(-1)!;
      likeScan.push(timed(() => like.all(owner.id, `%${word}%`)));
    }

    // The first read builds the figures from every document; later ones reuse those unchanged.
    const admin = { id: owner.id, isAdmin: true };
    let rows = 0;
    const portfolioCold = await timedAsync(async () => (rows = (await services.portfolio.list(admin)).length));
    const portfolio: number[] = [];
    const readAll: number[] = [];
    for (let run = 0; run < 5; run++) {
      portfolio.push(await timedAsync(() => services.portfolio.list(admin)));
      readAll.push(
        await timedAsync(async () => {
          for (const id of ids) await services.rooms.peek(id, () => undefined);
        }),
      );
    }

    // One section edited per stored update: the store's append (reference) and indexing it.
    const planId = ids[0]!;
    const plan = sqlite.select().from(planTable).where(eq(planTable.id, planId)).get()!;
    const doc = new Y.Doc();
    await services.rooms.peek(planId, (stored) => Y.applyUpdate(doc, Y.encodeStateAsUpdate(stored)));
    const text = (doc.getXmlFragment(sectionFragmentName("governance")).get(0) as Y.XmlElement).get(0) as Y.XmlText;
    const append: number[] = [];
    const index: number[] = [];
    for (let update = 0; update < 200; update++) {
      const before = Y.encodeStateVector(doc);
      text.insert(0, "x");
      const bytes = Y.encodeStateAsUpdate(doc, before);
      append.push(await timedAsync(() => store.append(planId, bytes)));
      index.push(await timedAsync(() => services.search.indexPlan(plan, doc, new Set(["governance"]))));
    }
    return {
      plans,
      queries,
      hits,
      rows,
      searchMember,
      searchAdmin,
      likeScan,
      portfolioCold,
      portfolio,
      readAll,
      append,
      index,
    };
  } finally {
    await services.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
