import { HocuspocusProvider, HocuspocusProviderWebsocket } from "@hocuspocus/provider";
import { WebsocketProvider } from "y-websocket";
import type { Awareness } from "y-protocols/awareness";
import * as Y from "yjs";
import { cookieWebSocket } from "../../support/cookie-websocket";
import { now, type ServerTarget } from "./protocol";

/** One simulated user: a document kept in sync with a server by that server's own provider. */
export interface BenchClient {
  doc: Y.Doc;
  awareness: Awareness;
  /** The provider object, which is the origin of the updates it applies from the server. */
  origin: unknown;
  /** Resolves once the client holds the server's whole document. */
  synced: Promise<void>;
  /** When the client's socket received its first message, once it has. */
  firstMessageAt(): number | undefined;
  destroy(): void;
}

/** Connects a document to the target with the stock provider for its protocol. */
export function connectClient(target: ServerTarget, doc = new Y.Doc()): BenchClient {
  let firstMessageAt: number | undefined;
  const cookie = target.cookie;
  class BenchWebSocket extends cookieWebSocket(cookie) {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      this.once("message", () => {
        firstMessageAt ??= now();
      });
    }
  }
  if (target.protocol === "hocuspocus") {
    const socket = new HocuspocusProviderWebsocket({ url: target.wsUrl, WebSocketPolyfill: BenchWebSocket });
    const provider = new HocuspocusProvider({ websocketProvider: socket, name: target.room, document: doc });
    provider.attach();
    return {
      doc,
      awareness: provider.awareness!,
      origin: provider,
      synced: new Promise((done) => {
        const onSynced = () => {
          provider.off("synced", onSynced);
          done();
        };
        provider.on("synced", onSynced);
      }),
      firstMessageAt: () => firstMessageAt,
      destroy: () => {
        provider.destroy();
        socket.destroy();
      },
    };
  }
  const provider = new WebsocketProvider(target.wsUrl, target.room, doc, {
    WebSocketPolyfill: BenchWebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
  return {
    doc,
    awareness: provider.awareness,
    origin: provider,
    synced: new Promise((done) => provider.once("sync", () => done())),
    firstMessageAt: () => firstMessageAt,
    destroy: () => provider.destroy(),
  };
}
