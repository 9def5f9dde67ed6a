import Database from "better-sqlite3";
import { schema as hocuspocusSchema } from "@hocuspocus/extension-sqlite";
import * as Y from "yjs";
import { requestJson } from "../support/http";
import { connectClient } from "./load/connect";
import { now } from "./load/protocol";
import { createGeneratedPlan, storedPlanBytes, writePlanContent } from "./generated-plan";
import { startCoplan, startHocuspocus, type BenchServer } from "./servers";

export interface ColdOpen {
  server: string;
  storedBytes: number;
  /** From opening the socket to its first message from the server, ms, one per cold start. */
  firstByte: number[];
  /** From opening the socket to holding the whole document, ms. */
  fullSync: number[];
}

/** Opens the plan as the first client of a freshly started server, `runs` times. */
async function coldOpens(start: () => Promise<BenchServer>, room: string, runs: number) {
  const firstByte: number[] = [];
  const fullSync: number[] = [];
  for (let i = 0; i < runs; i++) {
    const server = await start();
    try {
      const startedAt = now();
      const client = connectClient({ ...server, room });
      await client.synced;
      fullSync.push(now() - startedAt);
      firstByte.push(client.firstMessageAt()! - startedAt);
      client.destroy();
    } finally {
      await server.stop();
    }
  }
  return { firstByte, fullSync };
}

/**
 * A generated plan of `pages` pages, stored by Coplan (through its API) and, byte for byte the
 * same content, in Hocuspocus's SQLite table; then opened cold on each.
 */
export async function measureColdOpen(pages: number, runs: number): Promise<ColdOpen[]> {
  const setup = await startCoplan();
  const planId = await createGeneratedPlan(setup, pages, 200);
  const plan = await requestJson(setup.httpUrl!, "GET", `/api/plans/${planId}`, setup.cookie);
  await setup.stop();
  const coplanStored = storedPlanBytes(setup.databasePath!, planId);
  const coplan = await coldOpens(() => startCoplan({ databasePath: setup.databasePath }), planId, runs);

  const hocuspocus = await startHocuspocus();
  await hocuspocus.stop();
  const doc = new Y.Doc();
  writePlanContent(doc, plan.body.sections as { key: string; kind: string }[], pages, 200);
  const state = Y.encodeStateAsUpdate(doc);
  const db = new Database(hocuspocus.databasePath!);
  db.exec(hocuspocusSchema);
  db.prepare(`INSERT INTO "documents" ("name", "data") VALUES (?, ?)`).run(hocuspocus.room, Buffer.from(state));
  db.close();
  const reference = await coldOpens(
    () => startHocuspocus({ databasePath: hocuspocus.databasePath }),
    hocuspocus.room,
    runs,
  );
  return [
    { server: setup.name, storedBytes: coplanStored, ...coplan },
    { server: hocuspocus.name, storedBytes: state.byteLength, ...reference },
  ];
}
