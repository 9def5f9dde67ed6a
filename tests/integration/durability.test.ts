import { afterEach, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { sectionFragmentName } from "../../app/shared/doc-names";
import { countRows } from "../support/database";
import { demoPlanId, signIn } from "../support/http";
import { startServer, type RunningServer } from "../support/server";
import { connectClient, waitFor, waitForSync, type TestClient } from "../support/yjs-client";

const clients: TestClient[] = [];
const servers: RunningServer[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const s of servers.splice(0)) await s.stop("SIGKILL");
});

async function boot(options: Parameters<typeof startServer>[0] = {}) {
  const server = await startServer(options);
  servers.push(server);
  const cookie = await signIn(server.url, "owner@swindon.example");
  return { server, cookie, planId: await demoPlanId(server.url, cookie) };
}

function connect(server: RunningServer, planId: string, cookie: string) {
  const client = connectClient(server.url, planId, cookie);
  clients.push(client);
  return client;
}

function appendParagraph(doc: Y.Doc, key: string, text: string) {
  const paragraph = new Y.XmlElement("paragraph");
  paragraph.insert(0, [new Y.XmlText(text)]);
  const fragment = doc.getXmlFragment(sectionFragmentName(key));
  fragment.insert(fragment.length, [paragraph]);
}

describe("durability", () => {
  it("an edit another client has seen survives the server being killed (SIGKILL) at once", async () => {
    const { server, cookie, planId } = await boot();
    const writer = connect(server, planId, cookie);
    const observer = connect(server, planId, cookie);
    await Promise.all([waitForSync(writer), waitForSync(observer)]);

    appendParagraph(writer.doc, "gap-analysis", "Seen before the crash");
    const observed = observer.doc.getXmlFragment(sectionFragmentName("gap-analysis"));
    await waitFor(() => observed.toString().includes("Seen before the crash"), 10_000, "the observer to see the edit");
    await server.stop("SIGKILL");

    const restarted = await boot({ databasePath: server.databasePath });
    const fresh = connect(restarted.server, planId, restarted.cookie);
    await waitForSync(fresh);
    expect(fresh.doc.getXmlFragment(sectionFragmentName("gap-analysis")).toString()).toContain("Seen before the crash");
  });

  it("folds the update log into a snapshot as it grows, and the document stays whole", async () => {
    const { server, cookie, planId } = await boot();
    const writer = connect(server, planId, cookie);
    await waitForSync(writer);
    // Edits that reach the server in one turn are stored as one update, so these are spaced out
    // until the log has grown past the compaction threshold (500).
    let sent = 0;
    while (countRows(server.databasePath, "plan_snapshots") === 0 && sent < 3000) {
      appendParagraph(writer.doc, "implementation-plan", `step ${sent}`);
      sent += 1;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect(countRows(server.databasePath, "plan_snapshots")).toBe(1);
    expect(countRows(server.databasePath, "plan_updates")).toBeLessThan(sent);

    const reader = connect(server, planId, cookie);
    await waitForSync(reader);
    await waitFor(
      () => reader.doc.getXmlFragment(sectionFragmentName("implementation-plan")).length === sent,
      10_000,
      "every paragraph",
    );
  });

  it("a plan nobody has open is unloaded, leaving one snapshot and an empty log", async () => {
    const { server, cookie, planId } = await boot({ env: { COLLAB_IDLE_UNLOAD_SECONDS: "0.3" } });
    const writer = connect(server, planId, cookie);
    await waitForSync(writer);
    appendParagraph(writer.doc, "outcomes", "Written, then left");
    await waitFor(() => countRows(server.databasePath, "plan_updates") >= 1, 10_000, "the update to be stored");
    writer.destroy();
    await waitFor(() => countRows(server.databasePath, "plan_updates") === 0, 10_000, "the unload's compaction");
    expect(countRows(server.databasePath, "plan_snapshots")).toBe(1);

    const again = connect(server, planId, cookie);
    await waitForSync(again);
    expect(again.doc.getXmlFragment(sectionFragmentName("outcomes")).toString()).toContain("Written, then left");
  });
});
