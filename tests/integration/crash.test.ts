import { afterAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { sectionFragmentName } from "../../app/shared/doc-names";
import { storedDocumentOf } from "../support/database";
import { demoPlanId, signIn } from "../support/http";
import { runSeed, seededRandom } from "../support/random";
import { startServer, type RunningServer } from "../support/server";
import { connectClient, waitFor, waitForSync, type TestClient } from "../support/yjs-client";

const CLIENTS = Number(process.env.CRASH_CLIENTS ?? 20);
const KILLS = Number(process.env.CRASH_KILLS ?? 3);
const SEED = runSeed("CRASH_SEED");
const SECTIONS = ["customer-insight", "governance", "service-redesign", "implementation-plan"];

let server: RunningServer;
const clients: TestClient[] = [];
afterAll(async () => {
  for (const client of clients) client.destroy();
  await server?.stop();
});

const tokensIn = (doc: Y.Doc): string[] =>
  SECTIONS.flatMap(
    (key) =>
      doc
        .getXmlFragment(sectionFragmentName(key))
        .toJSON()
        .match(/c\d+-\d+(?=,)/g) ?? [],
  );

const sectionsOf = (doc: Y.Doc) =>
  Object.fromEntries(SECTIONS.map((key) => [key, doc.getXmlFragment(sectionFragmentName(key)).toJSON()]));

describe("crash", () => {
  it(`${CLIENTS} clients type while the server is killed with SIGKILL ${KILLS} times: no edit anyone saw is lost, and all converge (seed ${SEED})`, async () => {
    const random = seededRandom(SEED);
    // Every client is the same editor: room for all of them, whatever CRASH_CLIENTS says.
    const env = { MAX_WEBSOCKETS_PER_USER: String(CLIENTS * 2) };
    server = await startServer({ env });
    const { port, databasePath, databaseUrl } = server;
    const cookie = await signIn(server.url, "editor@swindon.example");
    const planId = await demoPlanId(server.url, cookie);

    const observer = connectClient(server.url, planId, cookie);
    clients.push(observer);
    const seen = new Set<string>();
    observer.doc.on("update", () => {
      for (const token of tokensIn(observer.doc)) seen.add(token);
    });
    const writers = Array.from({ length: CLIENTS }, () => connectClient(server.url, planId, cookie));
    clients.push(...writers);
    await Promise.all([observer, ...writers].map((client) => waitForSync(client)));

    const texts = writers.map((writer, i) => {
      const paragraph = new Y.XmlElement("paragraph");
      const text = new Y.XmlText();
      paragraph.insert(0, [text]);
      writer.doc.getXmlFragment(sectionFragmentName(SECTIONS[i % SECTIONS.length]!)).insert(0, [paragraph]);
      return text;
    });
    let typing = true;
    let typed = 0;
    const typists = texts.map(async (text, i) => {
      // Each client types on: while the server is down its edits wait in its document.
      for (let n = 0; typing; n++) {
        text.insert(text.length, `c${i}-${n},`);
        typed += 1;
        await new Promise((r) => setTimeout(r, 40 + random.int(40)));
      }
    });

    let seenAtKills = 0;
    const lostAtKills: string[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      await new Promise((r) => setTimeout(r, 400 + random.int(1200)));
      const seenBeforeKill = [...seen];
      await server.stop("SIGKILL");
      // What is on disk now, before any client can reconnect and send its edits again, must
      // hold every edit the observer was sent: each was stored before it was relayed.
      const onDisk = new Set(tokensIn(await storedDocumentOf(server, planId)));
      seenAtKills += seenBeforeKill.length;
      lostAtKills.push(...seenBeforeKill.filter((token) => !onDisk.has(token)));
      await new Promise((r) => setTimeout(r, 100 + random.int(400)));
      server = await startServer({ databasePath, databaseUrl, port, env });
    }
    await new Promise((r) => setTimeout(r, 500));
    typing = false;
    await Promise.all(typists);

    await waitFor(
      () =>
        writers.every((writer) => writer.provider.synced && tokensIn(writer.doc).length === typed) &&
        tokensIn(observer.doc).length === typed,
      30_000,
      "every client to have every edit",
    );
    const expected = sectionsOf(observer.doc);
    for (const writer of writers) expect(sectionsOf(writer.doc)).toEqual(expected);

    const fresh = connectClient(server.url, planId, cookie);
    clients.push(fresh);
    await waitForSync(fresh);
    expect(sectionsOf(fresh.doc)).toEqual(expected);
    const stored = await storedDocumentOf(server, planId);
    expect(sectionsOf(stored)).toEqual(expected);

    const storedTokens = new Set(tokensIn(stored));
    const lost = [...seen].filter((token) => !storedTokens.has(token));
    expect(lost).toEqual([]);
    expect(lostAtKills).toEqual([]);
    for (const text of [...SECTIONS].map((key) => fresh.doc.getXmlFragment(sectionFragmentName(key)))) {
      const tokens = text.toJSON().match(/c\d+-\d+(?=,)/g) ?? [];
      expect(new Set(tokens).size, "no duplicated edits").toBe(tokens.length);
    }
    console.log(
      `crash (seed ${SEED}): ${KILLS} SIGKILLs, ${typed} edits typed; at the kills ${seenAtKills} seen edits checked on disk (summed over the kills), ${lostAtKills.length} missing; at the end ${seen.size} seen, ${lost.length} lost`,
    );
  });
});
