import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import { serveConnection, type LargeSends, type SocketLimits, type UpgradeDecision } from "./connection.server";
import type { RoomRegistry } from "./rooms.server";
import { moduleLog } from "../log.server";

const logger = moduleLog("collab");

export const COLLAB_PATH = /^\/collab\/([A-Za-z0-9-]{1,64})\/?$/;

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
  const largeSends: LargeSends = { holders: new Map(), bytes: 0 };
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
          serveConnection({
            ws,
            planId,
            decision,
            rooms,
            limits,
            largeSends,
            log: logger.child({ planId, userId: decision.identity.id, connection: ++connections }),
            onPong: () => alive.set(ws, true),
          });
        });
      })
      .catch((error: unknown) => {
        logger.error({ err: error, planId }, "upgrade failed");
        refuse(socket, 500, "Internal Server Error");
      });
  };

  const pinger = startPinger(wss, alive, limits.pingIntervalMs);

  server.on("upgrade", onUpgrade);

  return {
    /**
     * Stops taking connections, and resolves once the open ones have closed: the rooms close
     * them as they unload; any a client has not closed after the grace period is cut.
     */
    close(graceMs = 2000): Promise<void> {
      clearInterval(pinger);
      server.off("upgrade", onUpgrade);
      return closeGracefully(wss, graceMs);
    },
  };
}

/** Pings every connection each interval; one that has not answered the last ping is cut. */
function startPinger(wss: WebSocketServer, alive: WeakMap<WebSocket, boolean>, intervalMs: number) {
  const pinger = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.get(ws)) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, intervalMs);
  pinger.unref();
  return pinger;
}

function closeGracefully(wss: WebSocketServer, graceMs: number): Promise<void> {
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
}

function refuse(socket: Duplex, status: number, reason: string): void {
  if (!socket.writable) return void socket.destroy();
  socket.once("finish", () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\n` +
      `Content-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`,
  );
}
