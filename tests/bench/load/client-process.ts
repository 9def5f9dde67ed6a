/**
 * A load-client process: simulated users on one plan, each with its own document, provider and
 * WebSocket. Typers type five characters a second into their own paragraph of one section; the
 * others move their cursor twice a second. Every client notes when each typed character reaches
 * it. Run by `runLoad` with `fork`, so the clients never share a core's event loop with a server.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import * as Y from "yjs";
import { connectClient, type BenchClient } from "./connect";
import { now, type FromLoadProcess, type LoadClientSpec, type ServerTarget, type ToLoadProcess } from "./protocol";

const TYPING_INTERVAL_MS = 200;
const CURSOR_INTERVAL_MS = 500;
const DRAIN_MS = 1500;

interface Running {
  spec: LoadClientSpec;
  client: BenchClient;
  text?: Y.XmlText;
}

let clients: Running[] = [];
let section = "";

function send(message: FromLoadProcess): void {
  process.send!(message);
}

process.on("message", (message: ToLoadProcess) => {
  handle(message).catch((error: unknown) => send({ type: "error", message: String(error) }));
});
process.on("disconnect", () => process.exit(0));
// y-websocket's provider adds a process exit listener per instance.
process.setMaxListeners(0);

async function handle(message: ToLoadProcess): Promise<void> {
  switch (message.type) {
    case "connect": {
      const start = now();
      section = message.section;
      // In batches, as users arrive over a few seconds rather than in one instant.
      for (let i = 0; i < message.clients.length; i += 25) {
        const batch = message.clients
          .slice(i, i + 25)
          .map((spec) => ({ spec, client: connectClient(targetOf(message.target, spec.index)) }));
        await Promise.all(batch.map((c) => c.client.synced));
        clients.push(...batch);
      }
      for (const c of clients) {
        c.client.awareness.setLocalStateField("user", { name: `Load client ${c.spec.index}`, color: "#1d70b8" });
        if (c.spec.role === "typer") c.text = ownParagraph(c.client.doc);
      }
      return send({ type: "connected", ms: now() - start });
    }
    case "clock":
      return send({ type: "clock", now: now() });
    case "run":
      return send({ type: "result", result: await run(message.seconds, message.warmupSeconds) });
    case "exit":
      for (const c of clients) c.client.destroy();
      clients = [];
      process.exit(0);
  }
}

/** The server a client connects to: one of several, by its index, when the target names several. */
function targetOf(target: ServerTarget, index: number): ServerTarget {
  const urls = target.wsUrls;
  return urls && urls.length > 0 ? { ...target, wsUrl: urls[index % urls.length]! } : target;
}

function ownParagraph(doc: Y.Doc): Y.XmlText {
  const fragment = doc.getXmlFragment(section);
  const paragraph = new Y.XmlElement("paragraph");
  const text = new Y.XmlText();
  paragraph.insert(0, [text]);
  fragment.insert(fragment.length, [paragraph]);
  return text;
}

async function run(seconds: number, warmupSeconds: number) {
  const start = now();
  const measureFrom = start + warmupSeconds * 1000;
  const stopAt = measureFrom + seconds * 1000;
  const sent: [string, number][] = [];
  const received: Record<string, number[]> = {};
  let sentBytes = 0;
  let actions = 0;
  const listeners = clients.map(({ client }) => {
    const onUpdate = (update: Uint8Array, origin: unknown) => {
      const at = now();
      if (at < measureFrom) return;
      if (origin !== client.origin) {
        sentBytes += update.byteLength;
        return;
      }
      const { from, to } = Y.parseUpdateMeta(update);
      for (const [clientId, first] of from) {
        const last = to.get(clientId) ?? first;
        for (let clock = first; clock < last; clock++) (received[`${clientId}:${clock}`] ??= []).push(at);
      }
    };
    client.doc.on("update", onUpdate);
    return () => client.doc.off("update", onUpdate);
  });

  const timers: NodeJS.Timeout[] = [];
  let letter = 0;
  for (const c of clients) {
    const interval = c.spec.role === "typer" ? TYPING_INTERVAL_MS : CURSOR_INTERVAL_MS;
    const move =
      c.spec.role === "typer"
        ? () => {
            const { doc } = c.client;
            const key = `${doc.clientID}:${Y.getState(doc.store, doc.clientID)}`;
            const at = now();
            c.text!.insert(c.text!.length, String.fromCharCode(97 + (letter++ % 26)));
            if (at >= measureFrom) sent.push([key, at]);
          }
        : () => {
            const offset = Math.floor(Math.random() * 400);
            c.client.awareness.setLocalStateField("cursor", { anchor: offset, head: offset + (offset % 7) });
          };
    const act = () => {
      actions++;
      move();
    };
    // Spread the clients' phases so their actions do not all land in the same instant.
    const phase = setTimeout(() => timers.push(setInterval(act, interval)), Math.random() * interval);
    timers.push(phase);
  }

  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  const cpuBefore = process.cpuUsage();
  const wallBefore = now();
  await sleep(stopAt - now());
  for (const timer of timers) clearInterval(timer);
  const cpu = process.cpuUsage(cpuBefore);
  const wall = now() - wallBefore;
  loopDelay.disable();
  await sleep(DRAIN_MS);
  for (const stop of listeners) stop();
  return {
    sent,
    sentBytes,
    actions,
    received,
    clients: clients.length,
    cpuShare: (cpu.user + cpu.system) / 1000 / wall,
    loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, Math.max(0, ms)));
}
