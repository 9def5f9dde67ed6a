import canonicalize from "canonicalize";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { sectionDataName, sectionFragmentName } from "../../app/shared/doc-names";
import { addRow, rowsOf, setField, yearsOf } from "../../app/shared/section-rows";
import { newSuggestionId } from "../../app/shared/suggestion-marks";
import { requestJson } from "../support/http";
import { useTestServer } from "../support/test-server";
import { connectClient, waitFor, waitForSync, type TestClient } from "../support/yjs-client";

const OWNER = "owner@swindon.example";
const EDITOR = "editor@swindon.example";
const REVIEWER = "reviewer@dwp.example";
const RUNS = Number(process.env.CONVERGENCE_RUNS ?? 10);
const SEED = process.env.CONVERGENCE_SEED ? Number(process.env.CONVERGENCE_SEED) : undefined;
const CLIENTS = 4;
const TEXT = "customer-insight";
const BUDGET = "shadow-budget";

const server = useTestServer({ users: [OWNER, EDITOR, REVIEWER] });

/**
 * The convergence property (convergence.test.ts) with suggestions mixed in: clients type, delete
 * and make suggestions as marks (insertions and deletions, as the page's suggesting does), while
 * the API makes narrative and cell suggestions and accepts and rejects open ones as the server's
 * own edits, some of them while clients are offline. Every client and a fresh one must agree,
 * and every open suggestion the API lists must still be in the document it names.
 */
type Op =
  | { kind: "type"; client: number; at: number; text: string }
  | { kind: "delete"; client: number; at: number; length: number }
  | { kind: "suggestInsert"; client: number; at: number; text: string }
  | { kind: "suggestDelete"; client: number; at: number; length: number }
  | { kind: "setAmount"; client: number; pounds: number }
  | { kind: "proposeCell"; pounds: number }
  | { kind: "decide"; pick: number; accept: boolean }
  | { kind: "offline"; client: number }
  | { kind: "online"; client: number }
  | { kind: "pause" };

const client = fc.integer({ min: 0, max: CLIENTS - 1 });
const fraction = fc.double({ min: 0, max: 1, noNaN: true });
const words = fc.string({ unit: fc.constantFrom(..."abcdefg é"), minLength: 1, maxLength: 5 });
const pounds = fc.integer({ min: 1, max: 9_999 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant("type" as const), client, at: fraction, text: words }), weight: 2 },
  fc.record({ kind: fc.constant("delete" as const), client, at: fraction, length: fc.integer({ min: 1, max: 4 }) }),
  {
    arbitrary: fc.record({ kind: fc.constant("suggestInsert" as const), client, at: fraction, text: words }),
    weight: 2,
  },
  fc.record({
    kind: fc.constant("suggestDelete" as const),
    client,
    at: fraction,
    length: fc.integer({ min: 1, max: 4 }),
  }),
  fc.record({ kind: fc.constant("setAmount" as const), client, pounds }),
  fc.record({ kind: fc.constant("proposeCell" as const), pounds }),
  { arbitrary: fc.record({ kind: fc.constant("decide" as const), pick: fraction, accept: fc.boolean() }), weight: 2 },
  fc.record({ kind: fc.constant("offline" as const), client }),
  fc.record({ kind: fc.constant("online" as const), client }),
  fc.record({ kind: fc.constant("pause" as const) }),
);

interface Plan {
  planId: string;
  rowId: string;
  year: string;
  /** Each client's user id: a suggestion's id names its author. */
  authors: string[];
}

/** Decisions the server made (not refused with a 409), over the whole run. */
const decisionsMade = { count: 0 };

const send = (method: string, path: string, as: string, body?: unknown) =>
  requestJson(server.url, method, path, server.cookie(as), body);

/** Applies one operation: to a client's document as its editor would, or through the API. */
async function apply(clients: TestClient[], plan: Plan, operation: Op): Promise<void> {
  if (operation.kind === "pause") return new Promise((r) => setTimeout(r, 15));
  if (operation.kind === "proposeCell") {
    await send("POST", `/api/plans/${plan.planId}/suggestions`, REVIEWER, {
      sectionKey: BUDGET,
      rowId: plan.rowId,
      field: `amounts.${plan.year}`,
      value: operation.pounds * 100,
    });
    return;
  }
  if (operation.kind === "decide") {
    const listed = await send("GET", `/api/plans/${plan.planId}/suggestions`, OWNER);
    const open = (listed.body as { id: string; status: string }[]).filter((s) => s.status === "open");
    if (open.length === 0) return;
    const chosen = open[Math.min(open.length - 1, Math.floor(operation.pick * open.length))]!;
    const verb = operation.accept ? "accept" : "reject";
    const decided = await send("POST", `/api/plans/${plan.planId}/suggestions/${chosen.id}/${verb}`, EDITOR, {});
    // A 409 (the words or the cell changed since) is an answer, not a failure; anything else is.
    expect([200, 409], JSON.stringify(decided.body)).toContain(decided.status);
    if (decided.status === 200) decisionsMade.count += 1;
    return;
  }
  const { doc, provider } = clients[operation.client]!;
  if (operation.kind === "offline") return provider.disconnect();
  if (operation.kind === "online") return void provider.connect();
  if (operation.kind === "setAmount") {
    doc.transact(() => {
      const row = rowsOf(doc, BUDGET)
        .toArray()
        .find((candidate) => candidate.get("id") === plan.rowId);
      (row?.get("amounts") as Y.Map<number> | undefined)?.set(plan.year, operation.pounds * 100);
    });
    return;
  }
  const paragraph = doc.getXmlFragment(sectionFragmentName(TEXT)).get(0) as Y.XmlElement | undefined;
  const text = paragraph?.get(0) as Y.XmlText | undefined;
  if (!text) return;
  const offset = Math.min(text.length, Math.floor(operation.at * (text.length + 1)));
  if (operation.kind === "type") return text.insert(offset, operation.text);
  if (operation.kind === "suggestInsert") {
    return text.insert(offset, operation.text, { insertion: { id: newSuggestionId(plan.authors[operation.client]!) } });
  }
  const length = Math.min(operation.length, text.length - offset);
  if (length <= 0) return;
  if (operation.kind === "delete") return text.delete(offset, length);
  return text.format(offset, length, { deletion: { id: newSuggestionId(plan.authors[operation.client]!) } });
}

function contentOf(doc: Y.Doc): string {
  return canonicalize({
    text: doc.getXmlFragment(sectionFragmentName(TEXT)).toJSON(),
    budget: doc.getMap(sectionDataName(BUDGET)).toJSON(),
  })!;
}

async function newPlan(): Promise<{ plan: Plan; clients: TestClient[] }> {
  const created = await send("POST", "/api/plans", OWNER, {
    templateId: "single-budget-for-a-place",
    title: "Convergence with suggestions",
    area: "Anywhere",
  });
  const planId = created.body.id as string;
  for (const [email, role] of [
    [EDITOR, "editor"],
    [REVIEWER, "reviewer"],
  ]) {
    await send("POST", `/api/plans/${planId}/members`, OWNER, { email, role });
  }
  const clients = Array.from({ length: CLIENTS }, (_, i) =>
    connectClient(server.url, planId, server.cookie(i % 2 ? OWNER : EDITOR)),
  );
  await Promise.all(clients.map((c) => waitForSync(c)));
  const first = clients[0]!.doc;
  const paragraph = new Y.XmlElement("paragraph");
  paragraph.insert(0, [new Y.XmlText("We fund twelve families.")]);
  first.getXmlFragment(sectionFragmentName(TEXT)).insert(0, [paragraph]);
  const year = yearsOf(first, BUDGET).get(0);
  const rowId = addRow(first, BUDGET, "budget", { organisation: "Swindon" });
  setField(first, BUDGET, rowId, "organisation", "Swindon");
  first.transact(() => {
    const row = rowsOf(first, BUDGET).get(0);
    const amounts = new Y.Map<number>();
    amounts.set(year, 100_000);
    row.set("amounts", amounts);
  });
  await waitFor(() => clients.every((c) => contentOf(c.doc) === contentOf(first)), 10_000, "the start everywhere");
  const members = (await send("GET", `/api/plans/${planId}/members`, OWNER)).body as {
    userId: string;
    email: string;
  }[];
  const idOf = (email: string) => members.find((member) => member.email === email)!.userId;
  const authors = clients.map((_, i) => idOf(i % 2 ? OWNER : EDITOR));
  return { plan: { planId, rowId, year, authors }, clients };
}

function convergesWithSuggestions(counter: { runs: number; operations: number; decided: number }) {
  return fc.asyncProperty(fc.array(op, { minLength: 20, maxLength: 50 }), async (ops) => {
    counter.runs += 1;
    counter.operations += ops.length;
    counter.decided += ops.filter((operation) => operation.kind === "decide").length;
    const { plan, clients } = await newPlan();
    try {
      for (const operation of ops) await apply(clients, plan, operation);
      for (const c of clients) if (!c.provider.shouldConnect) c.provider.connect();
      await waitFor(() => clients.every((c) => c.provider.synced), 20_000, "every client back and synced");
      await waitFor(() => new Set(clients.map((c) => contentOf(c.doc))).size === 1, 20_000, "clients to agree");
      const fresh = connectClient(server.url, plan.planId, server.cookie(OWNER));
      clients.push(fresh);
      await waitForSync(fresh);
      await waitFor(() => contentOf(fresh.doc) === contentOf(clients[0]!.doc), 10_000, "a fresh client to agree");
      // Every open narrative suggestion the API lists is in the document everyone agrees on.
      const listed = await send("GET", `/api/plans/${plan.planId}/suggestions`, OWNER);
      const content = contentOf(fresh.doc);
      for (const suggestion of listed.body as { id: string; kind: string; status: string }[]) {
        if (suggestion.kind === "text" && suggestion.status === "open") {
          expect(content, `${suggestion.id} in the document`).toContain(suggestion.id);
        }
      }
    } finally {
      for (const c of clients) c.destroy();
    }
  });
}

describe("convergence with suggestions", () => {
  it(`${CLIENTS} clients and the API's suggestions, accepts and rejects, with offline spells, always agree (${RUNS} runs)`, async () => {
    const counter = { runs: 0, operations: 0, decided: 0 };
    await fc.assert(convergesWithSuggestions(counter), { numRuns: RUNS, seed: SEED, endOnFailure: true });
    console.log(
      `convergence with suggestions: ${counter.runs} runs, ${counter.operations} operations (${decisionsMade.count} of ${counter.decided} decisions made, the rest 409), all agreed`,
    );
    expect(decisionsMade.count, "some suggestions were decided").toBeGreaterThan(0);
  });
});
