import * as encoding from "lib0/encoding";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { sectionFragmentName } from "../../app/shared/doc-names";
import { getJson } from "../support/http";
import { runSeed, seededRandom } from "../support/random";
import { RawPeer } from "../support/raw-peer";
import { useTestServer } from "../support/test-server";
import { connectClient, waitFor, waitForSync } from "../support/yjs-client";

const EDITOR = "editor@swindon.example";
const OWNER = "owner@swindon.example";
const FRAMES = Number(process.env.FUZZ_FRAMES ?? 2000);
const WORKERS = 4;
const SEED = runSeed("FUZZ_SEED");
const HONEST_SECTION = "implementation-plan";

const server = useTestServer({ users: [OWNER, EDITOR], demoPlan: true });

type Kind =
  "random" | "truncated" | "truncated-update" | "huge-varint" | "text" | "unknown-type" | "empty" | "bad-awareness";
const KINDS: Kind[] = [
  "random",
  "truncated",
  "truncated-update",
  "huge-varint",
  "text",
  "unknown-type",
  "empty",
  "bad-awareness",
];
/**
 * What each kind must get; random bytes may happen to form a message the server accepts, or an
 * update it can read and refuses whole (4400).
 */
const EXPECTED: Record<Kind, number[]> = {
  random: [1007, 4400, 0],
  truncated: [1007],
  "truncated-update": [1007],
  "huge-varint": [1007],
  text: [1003],
  "unknown-type": [1007],
  empty: [1007],
  "bad-awareness": [1007],
};

/** A real update that would add a paragraph to the governance section, if it were whole. */
function realUpdate(): Uint8Array {
  const doc = new Y.Doc();
  const paragraph = new Y.XmlElement("paragraph");
  paragraph.insert(0, [new Y.XmlText("Injected by a fuzzed frame")]);
  doc.getXmlFragment(sectionFragmentName("governance")).insert(0, [paragraph]);
  return Y.encodeStateAsUpdate(doc);
}

function frameOf(kind: Kind, random: ReturnType<typeof seededRandom>, update: Uint8Array): Uint8Array | string {
  const message = (...parts: ((e: encoding.Encoder) => void)[]) => {
    const encoder = encoding.createEncoder();
    for (const part of parts) part(encoder);
    return encoding.toUint8Array(encoder);
  };
  switch (kind) {
    case "random":
      return random.bytes(1 + random.int(200));
    case "truncated": {
      const whole = message(
        (e) => encoding.writeVarUint(e, 0),
        (e) => encoding.writeVarUint(e, 2),
        (e) => encoding.writeVarUint8Array(e, update),
      );
      return whole.slice(0, 1 + random.int(whole.length - 1));
    }
    case "truncated-update": {
      const cut = update.slice(0, 1 + random.int(update.length - 2));
      return message(
        (e) => encoding.writeVarUint(e, 0),
        (e) => encoding.writeVarUint(e, random.pick([1, 2])),
        (e) => encoding.writeVarUint8Array(e, cut),
      );
    }
    case "huge-varint":
      // Varints of 2^35 and more, where a type, a length or a client id is read.
      return Uint8Array.from([
        ...random.pick([[], [0], [0, 2], [1]]),
        0xff,
        0xff,
        0xff,
        0xff,
        0xff,
        0x7f,
        ...random.bytes(4),
      ]);
    case "text":
      return random.pick(["hello", "\u0000\u0002", JSON.stringify({ type: "sync" })]);
    case "unknown-type":
      return message(
        (e) => encoding.writeVarUint(e, random.pick([4, 7, 42, 99, 101, 12345])),
        (e) => encoding.writeUint8Array(e, random.bytes(random.int(20))),
      );
    case "empty":
      return new Uint8Array(0);
    case "bad-awareness":
      return message(
        (e) => encoding.writeVarUint(e, 1),
        (e) =>
          encoding.writeVarUint8Array(
            e,
            message(
              (inner) => encoding.writeVarUint(inner, 1),
              (inner) => encoding.writeVarUint(inner, 777),
              (inner) => encoding.writeVarUint(inner, 1),
              (inner) => encoding.writeVarString(inner, random.pick(["{not json", "[1,2]", "42", '"text"'])),
            ),
          ),
      );
  }
}

/** Sends one frame on a fresh connection; answers its close code, or 0 if the server took it. */
async function sendOne(frame: Uint8Array | string): Promise<number> {
  const peer = await RawPeer.connect(server.url, server.demoPlanId, server.cookie(EDITOR));
  peer.sendFrame(frame);
  const outcome = await Promise.race([
    peer.closed.then(({ code }) => code),
    peer.fetchDocument().then(() => 0),
    new Promise<number>((resolve) => setTimeout(() => resolve(-1), 5000)),
  ]);
  peer.close();
  return outcome;
}

function sectionsJson(doc: Y.Doc, skip: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, type] of doc.share) {
    if (name === sectionFragmentName(skip)) continue;
    out[name] = type instanceof Y.XmlFragment ? type.toJSON() : (type as unknown as Y.Map<unknown>).toJSON();
  }
  return out;
}

describe("hostile WebSocket frames", () => {
  it(`${FRAMES} fuzzed frames from ${WORKERS} connections at a time: each bad one closed with its code, the server up, honest editing unharmed, the plan unchanged (seed ${SEED})`, async () => {
    const random = seededRandom(SEED);
    const update = realUpdate();
    const probe = await RawPeer.connect(server.url, server.demoPlanId, server.cookie(OWNER));
    const before = sectionsJson(await probe.fetchDocument(), HONEST_SECTION);
    probe.close();

    const writer = connectClient(server.url, server.demoPlanId, server.cookie(EDITOR));
    const reader = connectClient(server.url, server.demoPlanId, server.cookie(OWNER));
    await Promise.all([waitForSync(writer), waitForSync(reader)]);
    const paragraph = new Y.XmlElement("paragraph");
    const text = new Y.XmlText();
    paragraph.insert(0, [text]);
    writer.doc.getXmlFragment(sectionFragmentName(HONEST_SECTION)).insert(0, [paragraph]);
    const sentAt: number[] = [];
    const latency: number[] = [];
    const readerFragment = reader.doc.getXmlFragment(sectionFragmentName(HONEST_SECTION));
    readerFragment.observeDeep(() => {
      const seen = readerFragment.toJSON().match(/\d+(?=,)/g)?.length ?? 0;
      while (latency.length < seen) latency.push(performance.now() - sentAt[latency.length]!);
    });
    let typing = true;
    const typist = (async () => {
      while (typing) {
        sentAt.push(performance.now());
        text.insert(text.length, `${sentAt.length - 1},`);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();

    const outcomes = new Map<Kind, number[]>(KINDS.map((kind) => [kind, []]));
    const kinds = Array.from({ length: FRAMES }, () => random.pick(KINDS));
    const frames = kinds.map((kind) => frameOf(kind, random, update));
    let next = 0;
    await Promise.all(
      Array.from({ length: WORKERS }, async () => {
        while (next < frames.length) {
          const index = next++;
          outcomes.get(kinds[index]!)!.push(await sendOne(frames[index]!));
        }
      }),
    );
    const oversized = await sendOne(new Uint8Array(8 * 1024 * 1024 + 16));

    typing = false;
    await typist;
    await waitFor(() => latency.length === sentAt.length, 10_000, "every honest edit at the reader");

    for (const [kind, codes] of outcomes) {
      const unexpected = codes.filter((code) => !EXPECTED[kind].includes(code));
      expect(unexpected, `${kind}: unexpected outcomes (seed ${SEED})`).toEqual([]);
    }
    expect(oversized).toBe(1009);
    expect(server.process.exitCode).toBeNull();
    expect((await getJson(server.url, "/api/health")).body).toEqual({ ok: true });

    const fresh = connectClient(server.url, server.demoPlanId, server.cookie(OWNER));
    await waitForSync(fresh);
    expect(sectionsJson(fresh.doc, HONEST_SECTION)).toEqual(before);
    const typed = Array.from({ length: sentAt.length }, (_, i) => `${i},`).join("");
    expect(fresh.doc.getXmlFragment(sectionFragmentName(HONEST_SECTION)).toJSON()).toBe(
      `<paragraph>${typed}</paragraph>`,
    );

    const sorted = [...latency].sort((a, b) => a - b);
    const summary = Object.fromEntries([...outcomes].map(([kind, codes]) => [kind, codes.length]));
    console.log(
      `hostile frames (seed ${SEED}): ${FRAMES + 1} sent`,
      summary,
      `closed 1007: ${[...outcomes.values()].flat().filter((c) => c === 1007).length},`,
      `1003: ${outcomes.get("text")!.length}, 1009: 1, accepted: ${[...outcomes.values()].flat().filter((c) => c === 0).length};`,
      `honest edits: ${sentAt.length}, p50 ${sorted[Math.floor(sorted.length / 2)]!.toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`,
    );
    for (const client of [writer, reader, fresh]) client.destroy();
  });
});
