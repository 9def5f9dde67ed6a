import { readFileSync } from "node:fs";
import * as Y from "yjs";
import { connectClient } from "./load/connect";
import { now } from "./load/protocol";
import { LOAD_SECTION, runLoad } from "./load/run-load";
import type { BenchServer } from "./servers";

/** Bytes the process has caused to be sent to the storage layer (Linux /proc/PID/io). */
function diskBytesWritten(pid: number): number {
  const match = /^write_bytes: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, "utf8"));
  return Number(match![1]);
}

export interface WriteAmplification {
  updateBytes: number;
  diskBytes: number;
  /** Disk bytes per byte of update. */
  amplification: number;
}

/**
 * Three writers type for `seconds` while the server's own disk writes are counted; the count
 * runs on for `settleSeconds` after, so a server that stores later (debounced) pays its share.
 */
export async function measureWriteAmplification(
  server: BenchServer,
  seconds: number,
  settleSeconds: number,
): Promise<WriteAmplification> {
  const before = diskBytesWritten(server.pid);
  const load = await runLoad(server, { clients: 3, typers: 3, seconds, warmupSeconds: 0 });
  await new Promise((done) => setTimeout(done, settleSeconds * 1000));
  const diskBytes = diskBytesWritten(server.pid) - before;
  return { updateBytes: load.sentBytes, diskBytes, amplification: diskBytes / load.sentBytes };
}

export interface RelayWindow {
  typed: number;
  /** Edits another client had received that were not in the store after the crash. */
  lostAfterRelay: number;
  /** How long the oldest of those had been at the other client when the server died, ms. */
  windowMs: number;
}

/**
 * One client types every 20 ms while another watches; the server is SIGKILLed mid-typing and
 * started again on the same storage, and a fresh client reads what survived.
 */
export async function measureRelayWindow(
  server: BenchServer,
  restart: () => Promise<BenchServer>,
  typingMs: number,
): Promise<{ result: RelayWindow; restarted: BenchServer }> {
  const writer = connectClient(server);
  const observer = connectClient(server);
  await Promise.all([writer.synced, observer.synced]);
  const paragraph = new Y.XmlElement("paragraph");
  const text = new Y.XmlText();
  paragraph.insert(0, [text]);
  writer.doc.getXmlFragment(LOAD_SECTION).insert(0, [paragraph]);
  const writerId = writer.doc.clientID;
  const firstTyped = Y.getState(writer.doc.store, writerId);
  const arrivals = new Map<number, number>();
  observer.doc.on("update", (update: Uint8Array) => {
    const at = now();
    const { from, to } = Y.parseUpdateMeta(update);
    const first = from.get(writerId);
    if (first === undefined) return;
    for (let clock = first; clock < (to.get(writerId) ?? first); clock++)
      if (!arrivals.has(clock)) arrivals.set(clock, at);
  });
  let typed = 0;
  const typing = setInterval(() => {
    text.insert(text.length, "d");
    typed++;
  }, 20);
  await new Promise((done) => setTimeout(done, typingMs));
  process.kill(server.pid, "SIGKILL");
  const killedAt = now();
  clearInterval(typing);
  writer.destroy();
  observer.destroy();
  await server.stop();

  const restarted = await restart();
  const reader = connectClient(restarted);
  await reader.synced;
  const storedUpTo = Y.getState(reader.doc.store, writerId);
  reader.destroy();
  const lost = [...arrivals].filter(([clock]) => clock >= firstTyped && clock >= storedUpTo).map(([, at]) => at);
  return {
    result: { typed, lostAfterRelay: lost.length, windowMs: lost.length === 0 ? 0 : killedAt - Math.min(...lost) },
    restarted,
  };
}
