import { afterAll, afterEach, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { rowsOf, textFieldNames } from "../../app/shared/section-rows";
import { mapThroughDelta } from "../../app/shared/text-delta";
import { demoPlanId, getJson, signIn, signOff } from "../support/http";
import { rewriteStoredDocument } from "../support/database";
import { startServer, tempDatabasePath, type RunningServer } from "../support/server";
import { useTestServer } from "../support/test-server";
import { connectClient, waitFor, waitForSync, type TestClient } from "../support/yjs-client";

const EDITOR = "editor@swindon.example";
const LOCAL = "signatory@swindon.example";
const WHITEHALL = "signatory@dclg.example";

let server: RunningServer;
const clients: TestClient[] = [];

afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
});
afterAll(async () => {
  await server?.stop();
});

async function client(baseUrl: string, planId: string, cookie: string): Promise<TestClient> {
  const connected = connectClient(baseUrl, planId, cookie);
  clients.push(connected);
  await waitForSync(connected);
  return connected;
}

interface PlanBody {
  sections: {
    key: string;
    contentHash: string;
    data: { rows?: Record<string, unknown>[] };
    signoff: { state: string };
  }[];
}

describe("table text cells over the WebSocket", () => {
  const live = useTestServer();

  it("two stock clients typing into one Y.Text cell at once keep every character of both words", async () => {
    const cookie = await signIn(live.url, EDITOR);
    const planId = await demoPlanId(live.url, cookie);
    const [a, b] = [await client(live.url, planId, cookie), await client(live.url, planId, cookie)];
    const cellOf = (doc: Y.Doc) => rowsOf(doc, "timescales").get(0).get("owner") as Y.Text;
    expect(cellOf(a.doc)).toBeInstanceOf(Y.Text);
    a.doc.transact(() => cellOf(a.doc).delete(0, cellOf(a.doc).length));
    await waitFor(() => cellOf(b.doc).length === 0, 5000, "the cleared cell");

    // Each keystroke goes at the typist's own caret, and the other's typing moves that caret
    // as the browser's cell binding moves it; the two interleave keystroke by keystroke.
    const words = { a: "Youth offending", b: "Family support" };
    const caret = { a: 0, b: 0 };
    for (const [who, doc] of [
      ["a", a.doc],
      ["b", b.doc],
    ] as const) {
      cellOf(doc).observe((event) => {
        if (!event.transaction.local) caret[who] = mapThroughDelta(event.delta, caret[who]);
      });
    }
    for (let i = 0; i < Math.max(words.a.length, words.b.length); i++) {
      for (const [who, doc] of [
        ["a", a.doc],
        ["b", b.doc],
      ] as const) {
        const char = words[who][i];
        if (char === undefined) continue;
        cellOf(doc).insert(caret[who], char);
        caret[who]++;
      }
      if (i % 3 === 2) await new Promise((resolve) => setImmediate(resolve));
    }
    await waitFor(
      () => cellOf(a.doc).toString() === cellOf(b.doc).toString() && cellOf(a.doc).length === 29,
      5000,
      "convergence",
    );
    const merged = cellOf(a.doc).toString();
    expect(merged).toContain("Youth offending");
    expect(merged).toContain("Family support");
    await waitFor(
      async () => {
        const { body } = await getJson<PlanBody>(live.url, `/api/plans/${planId}`, cookie);
        return body.sections.find((section) => section.key === "timescales")!.data.rows![0]!.owner === merged;
      },
      5000,
      "the stored cell",
    );
  });
});

describe("a plan stored with plain-string cells", () => {
  it("is converted once when it loads, reads the same, and keeps its sign-offs fresh", async () => {
    const databasePath = tempDatabasePath();
    server = await startServer({ databasePath });
    const cookies = { local: await signIn(server.url, LOCAL), whitehall: await signIn(server.url, WHITEHALL) };
    const planId = await demoPlanId(server.url, cookies.local);
    for (const key of ["shadow-budget", "timescales"]) {
      expect((await signOff(server.url, planId, key, cookies.local)).status).toBe(201);
      expect((await signOff(server.url, planId, key, cookies.whitehall)).status).toBe(201);
    }
    const before = (await getJson<PlanBody>(server.url, `/api/plans/${planId}`, cookies.local)).body;
    await server.stop();

    let stringCells = 0;
    await rewriteStoredDocument(databasePath, planId, (doc) => {
      for (const [key, kind] of [
        ["shadow-budget", "budget"],
        ["timescales", "milestones"],
      ] as const) {
        for (const row of rowsOf(doc, key)) {
          for (const name of textFieldNames(kind, row.get("rowType"))) {
            const value = row.get(name);
            if (!(value instanceof Y.Text)) continue;
            row.set(name, value.toString());
            stringCells++;
          }
        }
      }
    });
    expect(stringCells).toBeGreaterThan(10);

    server = await startServer({ databasePath });
    const editor = await client(server.url, planId, await signIn(server.url, EDITOR));
    await waitFor(
      () => rowsOf(editor.doc, "timescales").get(0).get("milestone") instanceof Y.Text,
      5000,
      "converted cells",
    );
    expect(server.output()).toContain(`plan ${planId}: ${stringCells} table cells made mergeable text`);
    const after = (await getJson<PlanBody>(server.url, `/api/plans/${planId}`, cookies.local)).body;
    expect(after.sections.map((section) => [section.key, section.contentHash, section.data])).toEqual(
      before.sections.map((section) => [section.key, section.contentHash, section.data]),
    );
    for (const key of ["shadow-budget", "timescales"]) {
      expect(after.sections.find((section) => section.key === key)!.signoff.state).toBe("signed");
    }
    const audit = await getJson<{ type: string }[]>(
      server.url,
      `/api/plans/${planId}/audit`,
      await signIn(server.url, "owner@swindon.example"),
    );
    expect(audit.body.filter((entry) => entry.type === "signoff.stale")).toEqual([]);

    await server.stop();
    server = await startServer({ databasePath });
    await client(server.url, planId, await signIn(server.url, EDITOR));
    expect(server.output()).not.toContain("table cells made mergeable text");
  });
});
