import { WebSocket } from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { sectionFragmentName } from "../../app/lib/doc-names";
import type { BenchServer } from "./servers";

function provider(server: BenchServer, doc: Y.Doc): WebsocketProvider {
  const cookie = server.cookie;
  class CookieWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, cookie ? { headers: { cookie } } : {});
    }
  }
  return new WebsocketProvider(server.wsUrl, server.room, doc, {
    WebSocketPolyfill: CookieWebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
}

function synced(p: WebsocketProvider): Promise<void> {
  return p.synced ? Promise.resolve() : new Promise((done) => p.once("sync", () => done()));
}

/**
 * Time from one client's keystroke-sized edit to its arrival at a second client, one edit at a
 * time (the next starts when the last has arrived), in milliseconds.
 */
export async function measureTwoClientPropagation(server: BenchServer, edits: number): Promise<number[]> {
  const docA = new Y.Doc();
  const docB = new Y.Doc();
  const a = provider(server, docA);
  const b = provider(server, docB);
  await Promise.all([synced(a), synced(b)]);
  const fragmentA = docA.getXmlFragment(sectionFragmentName("customer-insight"));
  const fragmentB = docB.getXmlFragment(sectionFragmentName("customer-insight"));
  const paragraph = new Y.XmlElement("paragraph");
  const text = new Y.XmlText();
  paragraph.insert(0, [text]);
  fragmentA.insert(fragmentA.length, [paragraph]);
  const samples: number[] = [];
  try {
    for (let i = 0; i < edits; i++) {
      const arrived = new Promise<void>((done) => {
        const onChange = () => {
          fragmentB.unobserveDeep(onChange);
          done();
        };
        fragmentB.observeDeep(onChange);
      });
      const start = performance.now();
      text.insert(text.length, "x");
      await arrived;
      samples.push(performance.now() - start);
    }
  } finally {
    a.destroy();
    b.destroy();
  }
  return samples;
}

export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((x, y) => x - y);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}
