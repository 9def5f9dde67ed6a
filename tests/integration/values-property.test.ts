import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { sectionDataName } from "../../app/shared/doc-names";
import { ukToday } from "../../app/shared/portfolio";
import { addRow } from "../../app/shared/section-rows";
import { healthBoundMs, watchHealth } from "../support/health-watch";
import { getJson, requestJson, signOff } from "../support/http";
import { runSeed } from "../support/random";
import { RawPeer } from "../support/raw-peer";
import { useTestServer } from "../support/test-server";
import { waitFor } from "../support/yjs-client";

/**
 * The values property of issue 26: an editor pushes table rows holding arbitrary Yjs values
 * (NaN, ±Infinity, null, booleans, nested maps and arrays, huge strings, missing ids, rows that
 * are not maps). After each update the server is up, /api/health answered within
 * HEALTH_BOUND_MS all through it, and the plan API, page, PDF, portfolio, compare, search and
 * a forced daily milestone check (a restart runs it at once) answer without a 5xx.
 * VALUES_SEED replays a run; VALUES_RUNS scales it (the default keeps the file near 60 s).
 */
const SEED = runSeed("VALUES_SEED");
const RUNS = Number(process.env.VALUES_RUNS ?? 3);
/**
 * The 500 ms, scaled only for an oversubscribed machine (`healthBoundMs`). Measured on
 * this 2-core machine at a load of 14: the watched work (checking updates of up to 4 MiB, the
 * plan read, portfolio, compare, sign-off history, search) kept the slowest answer at
 * 190-600 ms, as slow as /api/health alone there; the bound there is 2,000 ms, a margin of 3x.
 * The freezes it catches took 2-18 s.
 */
const HEALTH_BOUND_MS = healthBoundMs();

const OWNER = "owner@swindon.example";
const EDITOR = "editor@swindon.example";
const SIGNATORY = "signatory@swindon.example";
const TABLES = ["shadow-budget", "timescales", "outcomes", "gap-analysis", "delivery-chains", "central-accountability"];
const FIELD_NAMES = [
  "id",
  "rowType",
  "amounts",
  "organisation",
  "treatment",
  "notes",
  "milestone",
  "owner",
  "due",
  "status",
  "outcome",
  "scope",
  "theme",
];

const server = useTestServer({
  users: [OWNER, EDITOR, SIGNATORY],
  env: { MILESTONE_CHECK_DELAY_SECONDS: "0", CREATE_RATE_LIMITS: "0", EXPORT_PER_USER_PER_MINUTE: "1000" },
});
let planId: string;
let baseVersion: number;

type Shape =
  | { t: "plain"; v: unknown }
  | { t: "text"; s: string }
  | { t: "map"; e: [string, Shape][] }
  | { t: "array"; i: Shape[] };

const hugeString = fc.integer({ min: 10_001, max: 400_000 }).map((n) => "quokka ".repeat(Math.ceil(n / 7)));
const plain = fc.oneof(
  fc.double(),
  fc.constantFrom(NaN, Infinity, -Infinity, -0, 1e300, 1e15, 0.5),
  fc.integer(),
  fc.constant(null),
  fc.boolean(),
  fc.string({ maxLength: 30 }),
  fc.constantFrom("2030-02-30", ukToday(), "done", "pooled", "asset", "funding", ""),
  fc.jsonValue({ maxDepth: 2 }),
  hugeString,
);
const fieldName = fc.oneof(fc.constantFrom(...FIELD_NAMES), fc.string({ maxLength: 8 }));
const { shape } = fc.letrec<{ shape: Shape }>((tie) => ({
  shape: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    plain.map((v): Shape => ({ t: "plain", v })),
    fc.oneof(fc.string({ maxLength: 20 }), hugeString).map((s): Shape => ({ t: "text", s })),
    fc.array(fc.tuple(fieldName, tie("shape")), { maxLength: 4 }).map((e): Shape => ({ t: "map", e })),
    fc.array(tie("shape"), { maxLength: 4 }).map((i): Shape => ({ t: "array", i })),
  ),
}));
const row = fc.oneof(
  shape,
  fc
    .record({
      id: fc.option(fc.string({ maxLength: 12 })),
      fields: fc.array(fc.tuple(fieldName, shape), { maxLength: 6 }),
    })
    .map(({ id, fields }): Shape => ({
      t: "map",
      e: id === null ? fields : [["id", { t: "plain", v: id }], ...fields],
    })),
);
const update = fc.record({ table: fc.constantFrom(...TABLES), rows: fc.array(row, { minLength: 1, maxLength: 3 }) });

function toYjs(value: Shape): unknown {
  switch (value.t) {
    case "plain":
      return value.v;
    case "text":
      return new Y.Text(value.s);
    case "map": {
      const map = new Y.Map<unknown>();
      for (const [name, inner] of value.e) map.set(name, toYjs(inner));
      return map;
    }
    case "array": {
      const array = new Y.Array<unknown>();
      array.push(value.i.map(toYjs));
      return array;
    }
  }
}

/** Sends one change as the editor, on a connection of its own: whether the server took it. */
async function pushAsEditor(change: (doc: Y.Doc) => void): Promise<string> {
  const peer = await RawPeer.connect(server.url, planId, server.cookie(EDITOR));
  try {
    const doc = await peer.fetchDocument();
    const before = Y.encodeStateVector(doc);
    doc.transact(() => change(doc));
    peer.sendUpdate(Y.encodeStateAsUpdate(doc, before));
    return await Promise.race([
      peer.fetchDocument().then(() => "taken"),
      peer.closed.then(({ code }) => `closed ${code}`),
    ]);
  } finally {
    peer.close();
  }
}

async function status(path: string, as = OWNER): Promise<number> {
  const response = await fetch(`${server.url}${path}`, { headers: { cookie: server.cookie(as) } });
  await response.arrayBuffer();
  return response.status;
}

beforeAll(async () => {
  console.log(`values property: seed ${SEED} (VALUES_SEED=${SEED} replays this run; VALUES_RUNS=${RUNS})`);
  const created = await requestJson(server.url, "POST", "/api/plans", server.cookie(OWNER), {
    templateId: "single-budget-for-a-place",
    title: "Values",
    area: "Swindon",
  });
  planId = created.body.id;
  for (const [email, role] of [
    [EDITOR, "editor"],
    [SIGNATORY, "signatory"],
  ]) {
    const added = await requestJson(server.url, "POST", `/api/plans/${planId}/members`, server.cookie(OWNER), {
      email,
      role,
    });
    expect(added.status).toBe(201);
  }
  // Signed tables: every read then hashes them, as the portfolio and /plans do. A section with
  // nothing written cannot be signed: the helper writes a line first.
  for (const key of ["shadow-budget", "timescales"]) {
    expect((await signOff(server.url, planId, key, server.cookie(SIGNATORY))).status).toBe(201);
  }
  const named = await requestJson(server.url, "POST", `/api/plans/${planId}/versions`, server.cookie(OWNER), {
    name: "Before the values",
  });
  baseVersion = named.body.id;
}, 60_000);

describe(`values an editor writes into tables (seed ${SEED})`, () => {
  it("never stop, freeze or break the server: every read and the daily check answer after each update", async () => {
    const outcomes = new Map<string, number>();
    let run = 0;
    let slowestHealth = 0;
    await fc.assert(
      fc.asyncProperty(update, async ({ table, rows }) => {
        run++;
        const stopWatching = watchHealth(server.url);
        const outcome = await pushAsEditor((doc) => {
          const list = doc.getMap(sectionDataName(table)).get("rows") as Y.Array<unknown>;
          list.push(rows.map(toYjs));
        });
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        expect(["taken", "closed 4400", "closed 4413"]).toContain(outcome);
        // After the values, an honest milestone due today: the daily check must reach it.
        const milestone = `Check ${SEED} ${run}`;
        expect(
          await pushAsEditor((doc) =>
            addRow(doc, "timescales", "milestones", { milestone, owner: "Alison Reed", due: ukToday() }),
          ),
        ).toBe("taken");

        // Under the health watch: the reads whose cost the table's values decide.
        for (const path of [
          `/api/plans/${planId}`,
          "/api/portfolio",
          `/api/plans/${planId}/compare?from=${baseVersion}&to=current`,
          `/api/plans/${planId}/sections/timescales/signoffs`,
          "/api/search?q=quokka",
        ]) {
          expect(await status(path), path).toBeLessThan(500);
        }
        expect(await status("/plans", SIGNATORY)).toBeLessThan(500);
        const worst = await stopWatching();
        slowestHealth = Math.max(slowestHealth, worst);
        expect(worst, "the slowest /api/health answer (ms)").toBeLessThan(HEALTH_BOUND_MS);
        // Outside it: rendering the plan page takes 400-800 ms of this loaded machine's main
        // thread for any plan (the page-weight and export tests hold those), and the PDF is
        // built in a worker; here they must only answer.
        expect(await status(`/plans/${planId}`)).toBeLessThan(500);
        expect(await status(`/api/plans/${planId}/export.pdf`)).toBeLessThan(500);

        await server.restart();
        await waitFor(
          async () =>
            (await getJson<{ text: string }[]>(server.url, "/api/notifications", server.cookie(OWNER))).body.some(
              (notice) => notice.text.includes(milestone),
            ),
          15_000,
          "the daily check to reach the milestone after the values",
        );
        expect(server.process.exitCode).toBeNull();
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    console.log(
      `values property: ${RUNS} updates, outcomes ${JSON.stringify(Object.fromEntries(outcomes))}, slowest health ${Math.round(slowestHealth)} ms`,
    );
  }, 240_000);
});
