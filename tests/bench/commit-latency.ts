import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { closeDatabase, openDatabase } from "../../db/client.server";
import { plans } from "../../db/schema";
import { SqliteDocStore } from "../../server/collab/doc-store.server";
import { loadTemplates } from "../../server/templates/template-files.server";
import { TEMPLATES_DIR } from "../../server/services.server";

/**
 * Wall time of storing one keystroke-sized update the way the server does (its own store,
 * synchronous=FULL, on the disk the benchmark servers use): the price of "stored before relayed".
 */
export async function measureCommitLatency(appends: number): Promise<number[]> {
  const db = openDatabase(join(mkdtempSync(join(tmpdir(), "coplan-commit-")), "commit.sqlite"));
  try {
    const template = [...loadTemplates(TEMPLATES_DIR).values()][0]!;
    db.insert(plans)
      .values({ id: "plan", title: "Commit latency", area: "Bench", templateId: template.id, template })
      .run();
    const store = new SqliteDocStore(db);
    const update = new Uint8Array(24).fill(7);
    const samples: number[] = [];
    for (let i = 0; i < appends; i++) {
      const start = process.hrtime.bigint();
      await store.append("plan", update);
      samples.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    return samples;
  } finally {
    closeDatabase(db);
  }
}
