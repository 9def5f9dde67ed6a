import * as decoding from "lib0/decoding";
import { describe, expect, it } from "vitest";
import { RawPeer } from "../support/raw-peer";
import { useTestServer } from "../support/test-server";

const EDITOR = "editor@swindon.example";

const server = useTestServer({ users: [EDITOR], demoPlan: true });

/** The presence entries of the awareness frames among `frames`, frame by frame. */
function awarenessFrames(frames: Uint8Array[]): { clientId: number; clock: number; state: unknown }[][] {
  return frames.flatMap((frame) => {
    const outer = decoding.createDecoder(frame);
    if (decoding.readVarUint(outer) !== 1) return [];
    const decoder = decoding.createDecoder(decoding.readVarUint8Array(outer));
    return [
      Array.from({ length: decoding.readVarUint(decoder) }, () => ({
        clientId: decoding.readVarUint(decoder),
        clock: decoding.readVarUint(decoder),
        state: JSON.parse(decoding.readVarString(decoder)) as unknown,
      })),
    ];
  });
}

describe("presence", () => {
  it("gathers a burst of cursor moves into a few messages that end with each client's latest state", async () => {
    const watcher = await RawPeer.connect(server.url, server.demoPlanId, server.cookie(EDITOR));
    const movers = [
      await RawPeer.connect(server.url, server.demoPlanId, server.cookie(EDITOR)),
      await RawPeer.connect(server.url, server.demoPlanId, server.cookie(EDITOR)),
    ];
    await Promise.all([watcher, ...movers].map((p) => p.fetchDocument()));
    const from = watcher.frames.length;
    for (let clock = 1; clock <= 20; clock++) {
      movers.forEach((mover, i) =>
        mover.sendAwareness([{ clientId: 7000 + i, clock, state: { cell: `row-${clock}` } }]),
      );
    }
    await Promise.all(movers.map((p) => p.fetchDocument()));
    await new Promise((done) => setTimeout(done, 300));

    const frames = awarenessFrames(watcher.frames.slice(from));
    // 40 moves, sent apart by the stock server, arrive in a handful of frames here.
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.length).toBeLessThanOrEqual(4);
    const latest = new Map<number, { clock: number; state: unknown }>();
    for (const entry of frames.flat()) latest.set(entry.clientId, entry);
    for (const clientId of [7000, 7001]) {
      expect(latest.get(clientId)?.clock).toBe(20);
      expect((latest.get(clientId)?.state as { cell: string }).cell).toBe("row-20");
    }
    for (const p of [watcher, ...movers]) p.close();
  });
});
