import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import { WebSocket } from "ws";
import * as Y from "yjs";

/**
 * A y-websocket client at the level of frames, for what the stock provider will not do:
 * send exactly one update or a forged presence, and know when the server has handled it.
 */
export class RawPeer {
  readonly frames: Uint8Array[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly ws: WebSocket;
  private waiters: ((frame: Uint8Array) => boolean)[] = [];

  private constructor(url: string, cookie: string) {
    this.ws = new WebSocket(url, { headers: { cookie } });
    this.ws.on("message", (data: Buffer) => {
      const frame = new Uint8Array(data);
      this.frames.push(frame);
      this.waiters = this.waiters.filter((waiter) => !waiter(frame));
    });
    this.closed = new Promise((resolve) =>
      this.ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  static async connect(baseUrl: string, planId: string, cookie: string): Promise<RawPeer> {
    const peer = new RawPeer(`${baseUrl.replace(/^http/, "ws")}/collab/${planId}`, cookie);
    await new Promise<void>((resolve, reject) => {
      peer.ws.once("open", () => resolve());
      peer.ws.once("unexpected-response", (_req, res) => reject(new Error(`refused: ${res.statusCode}`)));
    });
    return peer;
  }

  /** Sends a frame as it is: binary for bytes, a text frame for a string. */
  sendFrame(frame: Uint8Array | string): void {
    this.ws.send(frame);
  }

  sendUpdate(update: Uint8Array): void {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, 0);
    encoding.writeVarUint(encoder, 2);
    encoding.writeVarUint8Array(encoder, update);
    this.ws.send(encoding.toUint8Array(encoder));
  }

  sendAwareness(entries: { clientId: number; clock: number; state: unknown }[]): void {
    const inner = encoding.createEncoder();
    encoding.writeVarUint(inner, entries.length);
    for (const entry of entries) {
      encoding.writeVarUint(inner, entry.clientId);
      encoding.writeVarUint(inner, entry.clock);
      encoding.writeVarString(inner, JSON.stringify(entry.state));
    }
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, 1);
    encoding.writeVarUint8Array(encoder, encoding.toUint8Array(inner));
    this.ws.send(encoding.toUint8Array(encoder));
  }

  /**
   * Asks for the whole document and waits for the answer. Frames on one connection are
   * handled in order, so when it comes, everything sent before it has been handled.
   */
  async fetchDocument(): Promise<Y.Doc> {
    const reply = new Promise<Uint8Array>((resolve) => {
      this.waiters.push((frame) => {
        const decoder = decoding.createDecoder(frame);
        if (decoding.readVarUint(decoder) !== 0 || decoding.readVarUint(decoder) !== 1) return false;
        resolve(decoding.readVarUint8Array(decoder));
        return true;
      });
    });
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, 0);
    encoding.writeVarUint(encoder, 0);
    encoding.writeVarUint8Array(encoder, Y.encodeStateVector(new Y.Doc()));
    this.ws.send(encoding.toUint8Array(encoder));
    const doc = new Y.Doc();
    Y.applyUpdate(doc, await reply);
    return doc;
  }

  close(): void {
    this.ws.close();
  }
}
