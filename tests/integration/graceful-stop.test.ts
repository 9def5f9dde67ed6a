import { afterAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { sectionFragmentName } from "../../app/shared/doc-names";
import { storedDocument } from "../support/database";
import { demoPlanId, signIn } from "../support/http";
import { startServer, type RunningServer } from "../support/server";
import { connectClient, waitFor, waitForSync, type TestClient } from "../support/yjs-client";

const SECTION = "options-appraisal";
let server: RunningServer;
const clients: TestClient[] = [];
afterAll(async () => {
  for (const client of clients) client.destroy();
  await server?.stop();
});

const tokensOf = (doc: Y.Doc) =>
  doc
    .getXmlFragment(sectionFragmentName(SECTION))
    .toJSON()
    .match(/w\d+-\d+(?=,)/g) ?? [];

describe("graceful stop", () => {
  it("SIGTERM while people type: their edits are kept, they are told to come back, and nothing is doubled when they do", async () => {
    server = await startServer();
    const { port, databasePath } = server;
    const cookie = await signIn(server.url, "editor@swindon.example");
    const planId = await demoPlanId(server.url, cookie);
    const writers = Array.from({ length: 5 }, () => connectClient(server.url, planId, cookie));
    clients.push(...writers);
    await Promise.all(writers.map((writer) => waitForSync(writer)));
    const closeCodes: number[] = [];
    for (const writer of writers) {
      writer.provider.on("connection-close", (event: CloseEvent | null) => {
        if (event) closeCodes.push(event.code);
      });
    }
    const texts = writers.map((writer) => {
      const paragraph = new Y.XmlElement("paragraph");
      const text = new Y.XmlText();
      paragraph.insert(0, [text]);
      writer.doc.getXmlFragment(sectionFragmentName(SECTION)).insert(0, [paragraph]);
      return text;
    });
    let typing = true;
    let typed = 0;
    const typists = texts.map(async (text, i) => {
      for (let n = 0; typing; n++) {
        text.insert(text.length, `w${i}-${n},`);
        typed += 1;
        await new Promise((r) => setTimeout(r, 15));
      }
    });

    await new Promise((r) => setTimeout(r, 800));
    await server.stop("SIGTERM");
    const storedAtStop = tokensOf(await storedDocument(databasePath, planId)).length;
    server = await startServer({ databasePath, port });
    await new Promise((r) => setTimeout(r, 800));
    typing = false;
    await Promise.all(typists);

    await waitFor(
      () => writers.every((writer) => writer.provider.synced && tokensOf(writer.doc).length === typed),
      20_000,
      "all writers converge",
    );
    const fresh = connectClient(server.url, planId, cookie);
    clients.push(fresh);
    await waitForSync(fresh);
    const tokens = tokensOf(fresh.doc);
    expect(tokens.length).toBe(typed);
    expect(new Set(tokens).size).toBe(typed);
    expect(fresh.doc.getXmlFragment(sectionFragmentName(SECTION)).length).toBe(5);
    expect(tokensOf(await storedDocument(databasePath, planId))).toEqual(tokens);
    expect(closeCodes.filter((code) => code === 1012)).toHaveLength(writers.length);
    expect(storedAtStop).toBeGreaterThan(0);
    console.log(
      `graceful stop: ${typed} edits typed, ${storedAtStop} stored at the stop, close codes ${[...new Set(closeCodes)].join(", ")}`,
    );
  });
});
