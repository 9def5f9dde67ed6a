import Database from "better-sqlite3";
import * as Y from "yjs";
import { sectionFragmentName } from "../../app/shared/doc-names";
import { addRow, setAmount } from "../../app/shared/section-rows";
import { requestJson } from "../support/http";
import { seededRandom } from "../support/random";
import { connectClient } from "./load/connect";
import type { ServerTarget } from "./load/protocol";
import type { BenchServer } from "./servers";

/** About one printed A4 page of text. */
export const PAGE_CHARS = 3000;

const SENTENCES = [
  "The partnership pools early intervention funding so that one key worker can hold a family's whole plan.",
  "Budgets are aligned across the council, health, police and Jobcentre Plus from April.",
  "Partners will report spend against each funding line to the board every quarter.",
  "The gap in commissioning capacity will be closed by a joint team seconded from the PCT.",
  "Savings from fewer emergency placements are reinvested in the neighbourhood teams.",
  "Whitehall officials will confirm which grant conditions can be relaxed for the pilot.",
  "Residents' panels review the delivery chain and say where it fails them.",
  "The single assessment replaces four separate referrals and their waiting lists.",
  "Data sharing is covered by the protocol signed by every partner in March.",
  "Risks to delivery are held on the register and reviewed at each programme board.",
  "Milestones for the first year are set out below, with the lead officer for each.",
  "The shadow budget shows what each organisation spends in the area today.",
];

/**
 * Writes about `pages` pages of realistic plan text into the document's sections, the way people
 * write: word by word, by three authors taking turns a word at a time, with some words deleted and some made bold,
 * plus a budget of funding lines; the same content for the same seed.
 */
export function writePlanContent(
  doc: Y.Doc,
  sections: { key: string; kind: string }[],
  pages: number,
  seed: number,
): void {
  const random = seededRandom(seed);
  const ownId = doc.clientID;
  const authors = [1, 2, 3].map((n) => (seed * 7 + n * 7919) >>> 0);
  const charsPerSection = Math.ceil((pages * PAGE_CHARS) / sections.length);
  try {
    for (const section of sections) {
      const fragment = doc.getXmlFragment(sectionFragmentName(section.key));
      let written = 0;
      while (written < charsPerSection) {
        doc.clientID = random.pick(authors);
        const text = new Y.XmlText();
        doc.transact(() => {
          const paragraph = new Y.XmlElement("paragraph");
          paragraph.insert(0, [text]);
          fragment.insert(fragment.length, [paragraph]);
        });
        const sentences = 3 + random.int(4);
        for (let s = 0; s < sentences; s++) {
          for (const word of `${random.pick(SENTENCES)} `.split(/(?<= )/)) {
            // Co-authors finish each other's sentences: a word at a time, whoever types it.
            doc.clientID = random.pick(authors);
            doc.transact(() => text.insert(text.length, word));
            written += word.length;
          }
          if (random.next() < 0.1) doc.transact(() => text.format(Math.max(0, text.length - 30), 12, { bold: true }));
          if (random.next() < 0.3) doc.transact(() => text.delete(Math.max(0, text.length - 20), 6));
        }
      }
      if (section.kind === "budget") {
        doc.clientID = authors[0]!;
        doc.transact(() => {
          for (let i = 0; i < 40; i++) {
            const id = addRow(doc, section.key, "budget", {
              organisation: `Organisation ${i % 7}`,
              fundingLine: `Funding line ${i}`,
              treatment: "pooled",
            });
            setAmount(doc, section.key, id, "2012-13", (1 + random.int(500)) * 10_000_00);
          }
        });
      }
    }
  } finally {
    doc.clientID = ownId;
  }
}

/** Creates a plan in Coplan through its API and fills it with generated content. */
export async function createGeneratedPlan(
  server: ServerTarget & Pick<BenchServer, "httpUrl">,
  pages: number,
  seed: number,
): Promise<string> {
  const created = await requestJson(server.httpUrl!, "POST", "/api/plans", server.cookie, {
    templateId: "single-budget-for-a-place",
    title: `Generated plan ${seed}`,
    area: "Benchmark",
  });
  const planId = created.body.id as string;
  const plan = await requestJson(server.httpUrl!, "GET", `/api/plans/${planId}`, server.cookie);
  const target = { ...server, room: planId };
  const writer = connectClient(target);
  await writer.synced;
  // Written on a copy and sent as one update: word by word over the socket would be one stored
  // update per word, minutes per plan.
  const draft = new Y.Doc();
  Y.applyUpdate(draft, Y.encodeStateAsUpdate(writer.doc));
  writePlanContent(draft, plan.body.sections as { key: string; kind: string }[], pages, seed);
  Y.applyUpdate(writer.doc, Y.encodeStateAsUpdate(draft, Y.encodeStateVector(writer.doc)));
  draft.destroy();
  const wanted = Y.encodeStateVector(writer.doc);
  // The server relays only what it has stored, so a fresh client that has it all means it is on disk.
  for (;;) {
    const checker = connectClient(target);
    await checker.synced;
    const complete = Buffer.from(Y.encodeStateVector(checker.doc)).equals(Buffer.from(wanted));
    checker.destroy();
    if (complete) break;
    await new Promise((done) => setTimeout(done, 100));
  }
  writer.destroy();
  return planId;
}

/** The bytes Coplan stores for a plan: its latest snapshot and the updates logged since. */
export function storedPlanBytes(databasePath: string, planId: string): number {
  const db = new Database(databasePath, { readonly: true });
  try {
    const row = db
      .prepare(
        `SELECT coalesce((SELECT length(state) FROM plan_snapshots WHERE plan_id = ? ORDER BY id DESC LIMIT 1), 0)
              + coalesce((SELECT sum(length("update")) FROM plan_updates WHERE plan_id = ?
                           AND seq > coalesce((SELECT up_to_update_id FROM plan_snapshots WHERE plan_id = ? ORDER BY id DESC LIMIT 1), 0)), 0) AS bytes`,
      )
      .get(planId, planId, planId) as { bytes: number };
    return row.bytes;
  } finally {
    db.close();
  }
}
