import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocket, WebSocketServer } from "ws";
import { canEdit, type Role } from "../../app/lib/permissions";
import { handleMessage, type PeerIdentity } from "./messages.server";
import { CloseCode } from "./close-codes.server";
import type { Peer } from "./room.server";
import type { RoomRegistry } from "./rooms.server";

export const COLLAB_PATH = /^\/collab\/([A-Za-z0-9-]{1,64})\/?$/;

export interface CollabLimits {
  /** Largest frame accepted; a larger one closes the connection (1009). */
  maxPayloadBytes: number;
  /** Unsent bytes queued for one client before it is dropped as too slow (it resyncs). */
  maxBufferedBytes: number;
  /** How often each connection is pinged; one that misses a pong is closed. */
  pingIntervalMs: number;
}

export interface UpgradeDecision {
  identity: PeerIdentity;
  role: Role;
  sessionHash?: string;
}

/**
 * Decides, before the WebSocket handshake completes, whether a request may open a plan.
 * Returns the peer's identity and role, or the HTTP status to refuse it with.
 */
export type AuthorizeUpgrade = (
  request: IncomingMessage,
  planId: string,
) => Promise<UpgradeDecision | { status: number; reason: string }>;

/** Serves `/collab/:planId` on an HTTP server's upgrade event, speaking the y-websocket protocol. */
export function attachCollabServer(
  server: Server,
  rooms: RoomRegistry,
  authorize: AuthorizeUpgrade,
  limits: CollabLimits,
) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxPayloadBytes });
  const alive = new WeakMap<WebSocket, boolean>();

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    const match = COLLAB_PATH.exec(path);
    if (!match) return refuse(socket, 404, "Not Found");
    const planId = match[1]!;
    authorize(request, planId)
      .then((decision) => {
        if ("status" in decision) return refuse(socket, decision.status, decision.reason);
        wss.handleUpgrade(request, socket, head, (ws) => {
          alive.set(ws, true);
          connect(ws, planId, decision);
        });
      })
      .catch((error: unknown) => {
        console.error("[collab] upgrade failed", error);
        refuse(socket, 500, "Internal Server Error");
      });
  };

  const connect = (ws: WebSocket, planId: string, decision: UpgradeDecision) => {
    const peer: Peer = {
      userId: decision.identity.id,
      sessionHash: decision.sessionHash,
      readOnly: !canEdit(decision.role),
      send(message) {
        if (ws.readyState !== WebSocket.OPEN) return;
        if (ws.bufferedAmount > limits.maxBufferedBytes) {
          ws.close(CloseCode.TryAgainLater, "client too slow");
          return;
        }
        ws.send(message);
      },
      close(code, reason) {
        if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) {
          ws.close(code, reason);
        }
      },
    };
    const room = rooms.join(planId, peer);
    ws.on("message", (data, isBinary) => {
      if (!isBinary) return peer.close(CloseCode.UnsupportedData, "binary frames only");
      try {
        handleMessage(room, peer, decision.identity, toUint8Array(data));
      } catch {
        peer.close(CloseCode.InvalidPayload, "malformed message");
      }
    });
    ws.on("pong", () => alive.set(ws, true));
    // ws has already sent the fitting close frame (1009 for an oversized one); the listener
    // only keeps the error from being thrown as unhandled.
    ws.on("error", () => undefined);
    ws.on("close", () => rooms.leave(room, peer));
  };

  const pinger = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.get(ws)) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, limits.pingIntervalMs);
  pinger.unref();

  server.on("upgrade", onUpgrade);

  return {
    get connectionCount() {
      return wss.clients.size;
    },
    /**
     * Stops taking connections, and resolves once the open ones have closed: the rooms close
     * them as they unload; any a client has not closed after the grace period is cut.
     */
    close(graceMs = 2000): Promise<void> {
      clearInterval(pinger);
      server.off("upgrade", onUpgrade);
      return new Promise((resolve) => {
        const cut = setTimeout(() => {
          for (const ws of wss.clients) ws.terminate();
        }, graceMs);
        cut.unref();
        wss.close(() => {
          clearTimeout(cut);
          resolve();
        });
      });
    },
  };
}

function refuse(socket: Duplex, status: number, reason: string): void {
  if (!socket.writable) return void socket.destroy();
  socket.once("finish", () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\n` +
      `Content-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`,
  );
}

function toUint8Array(data: WebSocket.RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
