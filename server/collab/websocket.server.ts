import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocket, WebSocketServer } from "ws";
import { canEdit, type Role } from "../../app/shared/permissions";
import { handleMessage, type PeerIdentity } from "./message-handler.server";
import { CloseCode } from "./close-codes.server";
import { ProtocolError, Refused } from "./errors.server";
import type { CollabLimits } from "../limits.server";
import type { Peer, PlanRoom } from "./room.server";
import type { RoomRegistry } from "./rooms.server";
import { moduleLog } from "../log.server";

const logger = moduleLog("collab");

export const COLLAB_PATH = /^\/collab\/([A-Za-z0-9-]{1,64})\/?$/;

export type SocketLimits = Pick<
  CollabLimits,
  "maxPayloadBytes" | "maxBufferedBytes" | "maxLargeSendBytes" | "pingIntervalMs"
>;

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
  limits: SocketLimits,
) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxPayloadBytes });
  const alive = new WeakMap<WebSocket, boolean>();
  /**
   * Messages bigger than one connection's share, queued and not yet written, with how many
   * connections hold each, and their bytes counted once each.
   */
  const largeSends = new Map<Uint8Array, number>();
  let largeSendBytes = 0;
  /** Numbers each connection in the log, so one connection's lines can be told from another's. */
  let connections = 0;

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    const match = COLLAB_PATH.exec(path);
    if (!match) return refuse(socket, 404, "Not Found");
    const planId = match[1]!;
    authorize(request, planId)
      .then((decision) => {
        if ("status" in decision) {
          logger.info({ planId, status: decision.status, reason: decision.reason }, "refused a connection");
          return refuse(socket, decision.status, decision.reason);
        }
        wss.handleUpgrade(request, socket, head, (ws) => {
          alive.set(ws, true);
          connect(ws, planId, decision);
        });
      })
      .catch((error: unknown) => {
        logger.error({ err: error, planId }, "upgrade failed");
        refuse(socket, 500, "Internal Server Error");
      });
  };

  const connect = (ws: WebSocket, planId: string, decision: UpgradeDecision) => {
    const connectionLog = logger.child({ planId, userId: decision.identity.id, connection: ++connections });
    /** The large messages this connection has queued. */
    const ownLarge = new Set<Uint8Array>();
    const releaseLarge = (message: Uint8Array) => {
      if (!ownLarge.delete(message)) return;
      const holders = largeSends.get(message)! - 1;
      if (holders > 0) return void largeSends.set(message, holders);
      largeSends.delete(message);
      largeSendBytes -= message.byteLength;
    };
    const peer: Peer = {
      userId: decision.identity.id,
      sessionHash: decision.sessionHash,
      readOnly: !canEdit(decision.role),
      send(message) {
        if (ws.readyState !== WebSocket.OPEN) return;
        const size = message.byteLength;
        if (size <= limits.maxBufferedBytes) {
          // Checked with the new message counted: a client that does not read is cut off
          // before it holds more than its share, not after, and close frames would only queue.
          const ownLargeBytes = [...ownLarge].reduce((sum, large) => sum + large.byteLength, 0);
          if (ws.bufferedAmount - ownLargeBytes + size > limits.maxBufferedBytes) {
            connectionLog.warn("closing a connection that does not read its messages");
            return ws.terminate();
          }
          return ws.send(message);
        }
        // A plan's whole state can be bigger than one connection's share: it is sent when the
        // process has room for it, counted apart from the connection's own share. Clients
        // that share one message (a fresh client's full state) hold one copy between them.
        const holders = largeSends.get(message) ?? 0;
        if (holders === 0 && largeSendBytes + size > limits.maxLargeSendBytes) {
          connectionLog.warn("too many large sends queued; asking a client to come back later");
          ws.close(CloseCode.TryAgainLater, "server busy, try again shortly");
          return;
        }
        if (holders === 0) largeSendBytes += size;
        largeSends.set(message, holders + 1);
        ownLarge.add(message);
        ws.send(message, () => releaseLarge(message));
      },
      close(code, reason) {
        if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) {
          ws.close(code, reason);
        }
      },
    };
    let room: PlanRoom;
    try {
      room = rooms.join(planId, peer);
    } catch (error) {
      connectionLog.error({ err: error }, "could not open the plan");
      return peer.close(CloseCode.InternalError, "the server could not open this plan");
    }
    ws.on("message", (data, isBinary) => {
      if (!isBinary) return peer.close(CloseCode.UnsupportedData, "binary frames only");
      try {
        handleMessage(room, peer, decision.identity, toUint8Array(data));
      } catch (error) {
        if (error instanceof Refused) {
          connectionLog.warn(
            { reason: error.reason, closeCode: error.closeCode },
            `refused a message: ${error.reason}`,
          );
          return peer.close(error.closeCode, error.reason);
        }
        if (error instanceof ProtocolError) {
          connectionLog.warn({ reason: error.message }, `malformed message: ${error.message}`);
          return peer.close(CloseCode.InvalidPayload, "malformed message");
        }
        connectionLog.error({ err: error }, "failed to handle a message");
        peer.close(CloseCode.InternalError, "server error");
      }
    });
    ws.on("pong", () => alive.set(ws, true));
    // ws has already sent the fitting close frame (1009 for an oversized one); the listener
    // only keeps the error from being thrown as unhandled.
    ws.on("error", () => undefined);
    ws.on("close", () => {
      // Whatever it still had queued is dropped with the socket.
      for (const message of [...ownLarge]) releaseLarge(message);
      try {
        rooms.leave(room, peer);
      } catch (error) {
        connectionLog.error({ err: error }, "failed to remove a connection");
      }
    });
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
