import canonicalize from "canonicalize";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { sectionDataName, sectionFragmentName } from "../../app/shared/doc-names";
import { addRow, deleteRow, moveRow, rowsOf, setField } from "../../app/shared/section-rows";
import { requestJson } from "../support/http";
import { useTestServer } from "../support/test-server";
import { connectClient, waitFor, waitForSync, type TestClient } from "../support/yjs-client";

const OWNER = "owner@swindon.example";
const EDITOR = "editor@swindon.example";
const RUNS = Number(process.env.CONVERGENCE_RUNS ?? 12);
const SEED = process.env.CONVERGENCE_SEED ? Number(process.env.CONVERGENCE_SEED) : undefined;
const CLIENTS = 5;
const TEXT_SECTIONS = ["governance", "customer-insight"] as const;
const ROW_SECTIONS = [
  { key: "outcomes", kind: "outcomes", field: "outcome" },
  { key: "shadow-budget", kind: "budget", field: "organisation" },
] as const;

const server = useTestServer({ users: [OWNER, EDITOR] });

type Op =
  | { kind: "paragraph"; client: number; section: number; at: number }
  | { kind: "type"; client: number; section: number; at: number; offset: number; text: string }
  | { kind: "delete"; client: number; section: number; at: number; offset: number; length: number }
  | {
      kind: "format";
      client: number;
      section: number;
      at: number;
      offset: number;
      length: number;
      mark: "bold" | "italic";
      on: boolean;
    }
  | { kind: "dropParagraph"; client: number; section: number; at: number }
  | { kind: "addRow"; client: number; section: number }
  | { kind: "setField"; client: number; section: number; at: number; text: string }
  | { kind: "deleteRow"; client: number; section: number; at: number }
  | { kind: "moveRow"; client: number; section: number; at: number; up: boolean }
  | { kind: "offline"; client: number }
  | { kind: "online"; client: number }
  | { kind: "pause" };

const client = fc.integer({ min: 0, max: CLIENTS - 1 });
const fraction = fc.double({ min: 0, max: 1, noNaN: true });
const words = fc.string({ unit: fc.constantFrom(..."abcdefghij £é–"), minLength: 1, maxLength: 6 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("paragraph" as const), client, section: fc.nat(1), at: fraction }),
  {
    arbitrary: fc.record({
      kind: fc.constant("type" as const),
      client,
      section: fc.nat(1),
      at: fraction,
      offset: fraction,
      text: words,
    }),
    weight: 4,
  },
  fc.record({
    kind: fc.constant("delete" as const),
    client,
    section: fc.nat(1),
    at: fraction,
    offset: fraction,
    length: fc.integer({ min: 1, max: 5 }),
  }),
  fc.record({
    kind: fc.constant("format" as const),
    client,
    section: fc.nat(1),
    at: fraction,
    offset: fraction,
    length: fc.integer({ min: 1, max: 6 }),
    mark: fc.constantFrom("bold" as const, "italic" as const),
    on: fc.boolean(),
  }),
  fc.record({ kind: fc.constant("dropParagraph" as const), client, section: fc.nat(1), at: fraction }),
  fc.record({ kind: fc.constant("addRow" as const), client, section: fc.nat(1) }),
  fc.record({ kind: fc.constant("setField" as const), client, section: fc.nat(1), at: fraction, text: words }),
  fc.record({ kind: fc.constant("deleteRow" as const), client, section: fc.nat(1), at: fraction }),
  fc.record({ kind: fc.constant("moveRow" as const), client, section: fc.nat(1), at: fraction, up: fc.boolean() }),
  fc.record({ kind: fc.constant("offline" as const), client }),
  fc.record({ kind: fc.constant("online" as const), client }),
  fc.record({ kind: fc.constant("pause" as const) }),
);

let markerCount = 0;

/** Applies one operation to one client's document, as its editor would. */
async function apply(clients: TestClient[], operation: Op): Promise<void> {
  if (operation.kind === "pause") return new Promise((r) => setTimeout(r, 15));
  const { doc, provider } = clients[operation.client]!;
  const index = (length: number, at: number) => Math.min(length - 1, Math.floor(at * length));
  switch (operation.kind) {
    case "offline":
      return provider.disconnect();
    case "online":
      return void provider.connect();
    case "paragraph": {
      const fragment = doc.getXmlFragment(sectionFragmentName(TEXT_SECTIONS[operation.section]!));
      const paragraph = new Y.XmlElement("paragraph");
      // Each paragraph starts with a marker found once only, if no edit is ever applied twice.
      paragraph.insert(0, [new Y.XmlText(`[p${markerCount++}]`)]);
      fragment.insert(Math.min(fragment.length, Math.floor(operation.at * (fragment.length + 1))), [paragraph]);
      return;
    }
    case "dropParagraph":
    case "type":
    case "delete":
    case "format": {
      const fragment = doc.getXmlFragment(sectionFragmentName(TEXT_SECTIONS[operation.section]!));
      if (fragment.length === 0) return;
      const at = index(fragment.length, operation.at);
      if (operation.kind === "dropParagraph") return fragment.delete(at, 1);
      const text = (fragment.get(at) as Y.XmlElement).get(0) as Y.XmlText | undefined;
      if (!text) return;
      const offset = Math.min(text.length, Math.floor(operation.offset * (text.length + 1)));
      if (operation.kind === "type") return text.insert(offset, operation.text);
      const length = Math.min(operation.length, text.length - offset);
      if (length <= 0) return;
      if (operation.kind === "delete") return text.delete(offset, length);
      return text.format(offset, length, { [operation.mark]: operation.on ? {} : null });
    }
    case "addRow": {
      const section = ROW_SECTIONS[operation.section]!;
      addRow(doc, section.key, section.kind, { [section.field]: `row ${markerCount++}` });
      return;
    }
    case "setField":
    case "deleteRow":
    case "moveRow": {
      const section = ROW_SECTIONS[operation.section]!;
      const rows = rowsOf(doc, section.key);
      if (rows.length === 0) return;
      const id = rows.get(index(rows.length, operation.at)).get("id") as string;
      if (operation.kind === "setField") return setField(doc, section.key, id, section.field, operation.text);
      if (operation.kind === "deleteRow") return deleteRow(doc, section.key, id);
      return moveRow(doc, section.key, id, operation.up ? -1 : 1);
    }
  }
}

/** The sections the runs touch, as canonical JSON: a Y.Map lists its keys in arrival order. */
function contentOf(doc: Y.Doc): string {
  return canonicalize({
    text: TEXT_SECTIONS.map((key) => doc.getXmlFragment(sectionFragmentName(key)).toJSON()),
    rows: ROW_SECTIONS.map(({ key }) => doc.getMap(sectionDataName(key)).toJSON()),
  })!;
}

/** Every client, and a fresh one, agree on the sections, with no paragraph or row twice. */
function convergesThroughTheServer(counter: { runs: number; operations: number }) {
  return fc.asyncProperty(fc.array(op, { minLength: 20, maxLength: 60 }), async (ops) => {
    counter.runs += 1;
    counter.operations += ops.length;
    const created = await requestJson(server.url, "POST", "/api/plans", server.cookie(OWNER), {
      templateId: "single-budget-for-a-place",
      title: "Convergence",
      area: "Anywhere",
    });
    const planId = created.body.id as string;
    await requestJson(server.url, "POST", `/api/plans/${planId}/members`, server.cookie(OWNER), {
      email: "editor@swindon.example",
      role: "editor",
    });
    const clients = Array.from({ length: CLIENTS }, (_, i) =>
      connectClient(server.url, planId, i % 2 ? server.cookie(OWNER) : server.cookie(EDITOR)),
    );
    try {
      await Promise.all(clients.map((c) => waitForSync(c)));
      for (const operation of ops) await apply(clients, operation);
      for (const c of clients) if (!c.provider.shouldConnect) c.provider.connect();
      await waitFor(() => clients.every((c) => c.provider.synced), 20_000, "every client back and synced");
      await waitFor(() => new Set(clients.map((c) => contentOf(c.doc))).size === 1, 20_000, "clients to agree");
      const fresh = connectClient(server.url, planId, server.cookie(OWNER));
      clients.push(fresh);
      await waitForSync(fresh);
      await waitFor(() => contentOf(fresh.doc) === contentOf(clients[0]!.doc), 10_000, "a fresh client to agree");
      const everything = contentOf(fresh.doc);
      for (const marker of everything.match(/\[p\d+\]/g) ?? []) {
        expect(everything.split(marker).length - 1, `${marker} appears once`).toBe(1);
      }
      for (const { key } of ROW_SECTIONS) {
        const ids = rowsOf(fresh.doc, key)
          .toArray()
          .map((row) => row.get("id"));
        expect(new Set(ids).size, "no row twice").toBe(ids.length);
      }
    } finally {
      for (const c of clients) c.destroy();
    }
  });
}

describe("convergence", () => {
  it(`${CLIENTS} clients through the server, with random edits, formatting, row operations and offline spells, always agree (${RUNS} runs)`, async () => {
    const counter = { runs: 0, operations: 0 };
    await fc.assert(convergesThroughTheServer(counter), { numRuns: RUNS, seed: SEED, endOnFailure: true });
    console.log(
      `convergence: ${counter.runs} runs, ${counter.operations} operations, all clients and a fresh one agreed`,
    );
  });

  it("replays the run that found two people moving one row leaving it twice", async () => {
    const counter = { runs: 0, operations: 0 };
    await fc.assert(convergesThroughTheServer(counter), {
      seed: 1923097398,
      path: "71",
      numRuns: 1,
      endOnFailure: true,
    });
    expect(counter.runs).toBe(1);
  });
});
