/**
 * One of two processes writing to the same SQLite file at once, for the concurrent-writes test:
 * it says "ready", waits for "go" on stdin (so both start together), makes `rounds` writes of
 * `kind` and prints what happened as JSON. Run with `node --import tsx`.
 */
import { createInterface } from "node:readline";
import * as Y from "yjs";
import { sectionFragmentName } from "../../app/shared/doc-names";
import { initialiseStructuredSections } from "../../app/shared/section-rows";
import { openStore } from "../../db/store.server";
import { SqliteDocStore } from "../../server/collab/doc-store.server";
import { RoomRegistry } from "../../server/collab/rooms.server";
import { SideAlreadySigned, SignoffWrites } from "../../server/signoffs/signoff-writes.server";
import { VersionService } from "../../server/versions/version-service.server";

const [path, kind, roundsArg, planId, userId] = process.argv.slice(2) as [string, string, string, string, string];
const rounds = Number(roundsArg);
const store = await openStore({ databasePath: path });
const plan = (await store.db.select().from(store.tables.plans).limit(1))[0]!;

/** Two readings of the plan: writing them in turn gives every round something to race over. */
function docWith(words: string): Y.Doc {
  const doc = new Y.Doc();
  initialiseStructuredSections(doc, plan.template);
  const paragraph = new Y.XmlElement("paragraph");
  paragraph.insert(0, [new Y.XmlText(words)]);
  doc.getXmlFragment(sectionFragmentName("governance")).push([paragraph]);
  return doc;
}

const tally = { written: 0, refused: 0, errors: [] as string[] };
/**
 * Gives the other process its turn: SQLite's busy handler sleeps while it waits for the lock, so
 * a writer that never pauses keeps the lock and the two would take turns only once it is done.
 */
const pause = () => new Promise((resolve) => setTimeout(resolve, 1));

async function run(): Promise<void> {
  if (kind === "versions") {
    const rooms = new RoomRegistry(new SqliteDocStore(store.sync, store.gate), {
      idleUnloadMs: 3_600_000,
      compactAfterUpdates: 500,
      awarenessBatchMs: 50,
      planOf: async () => plan,
      maxPlanBytes: 1 << 24,
      maxPresenceClients: 4,
    });
    const versions = new VersionService(store, rooms);
    const docs = [docWith("Alpha."), docWith("Beta.")];
    for (let round = 0; round < rounds; round++) {
      await pause();
      try {
        if ((await versions.makeAuto(plan, docs[round % 2]!)) === null) tally.refused++;
        else tally.written++;
      } catch (error) {
        tally.errors.push(String(error));
      }
    }
    return;
  }
  const writes = new SignoffWrites(store);
  for (let round = 0; round < rounds; round++) {
    await pause();
    try {
      await writes.sign(
        {
          planId,
          sectionKey: "governance",
          side: "local",
          userId,
          onBehalfOf: null,
          contentHash: `hash-${round % 2}`,
          sectionState: Buffer.from([0]),
          meaning: "race",
        },
        async () => undefined,
      );
      tally.written++;
    } catch (error) {
      if (error instanceof SideAlreadySigned) tally.refused++;
      else tally.errors.push(String(error));
    }
  }
}

console.log("ready");
const lines = createInterface({ input: process.stdin });
lines.once("line", async () => {
  await run();
  await store.close();
  console.log(JSON.stringify(tally));
  lines.close();
});
