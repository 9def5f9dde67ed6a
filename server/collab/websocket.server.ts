import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import { serveConnection, type LargeSends, type SocketLimits, type UpgradeDecision } from "./connection.server";
import type { RoomRegistry } from "./rooms.server";
import { moduleLog } from "../log.server";
import { FORWARDED_PATH, forwardConnection, forwardedDecision } from "../cluster/forwarding.server";
import { isLease, type Holder, type Lease } from "../cluster/plan-leases.server";

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

/** What a process among several needs to serve a plan's connections wherever its owner is. */
export interface CollabCluster {
  /** The plan's lease, taken now if no process holds it, or who holds it. */
  place(planId: string): Promise<Lease | Holder>;
  /** What the processes show each other on a forwarded connection. */
  secret: string;
}

/**
 * Serves `/collab/:planId` on an HTTP server's upgrade event, speaking the y-websocket protocol.
 * Among several processes (`cluster`), a plan another process owns has its connections
 * forwarded there, and connections forwarded here are served for the plans this process owns.
 */
export function attachCollabServer(
  server: Server,
  rooms: RoomRegistry,
  authorize: AuthorizeUpgrade,
  limits: SocketLimits,
  cluster?: CollabCluster,
) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxPayloadBytes });
  const alive = new WeakMap<WebSocket, boolean>();
  const largeSends: LargeSends = { holders: new Map(), bytes: 0 };
  /** Numbers each connection in the log, so one connection's lines can be told from another's. */
  let connections = 0;

  const serve = (request: IncomingMessage, socket: Duplex, head: Buffer, planId: string, decision: UpgradeDecision) =>
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

  const forward = (
    request: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    planId: string,
    decision: UpgradeDecision,
    holder: Holder,
  ) =>
    wss.handleUpgrade(request, socket, head, (ws) => {
      alive.set(ws, true);
      ws.on("pong", () => alive.set(ws, true));
      forwardConnection({
        client: ws,
        holder,
        planId,
        decision,
        secret: cluster!.secret,
        limits,
        log: logger.child({ planId, userId: decision.identity.id, connection: ++connections, owner: holder.address }),
      });
    });

  /** A connection another process forwards here, for a plan it found this process owning. */
  const onForwarded = async (request: IncomingMessage, socket: Duplex, head: Buffer, planId: string) => {
    const decision = forwardedDecision(request, cluster!.secret);
    if (!decision) return refuse(socket, 401, "Unauthorized");
    // The plan may have moved since the forwarding process looked: it then closes its client,
    // which reconnects to wherever the plan is now.
    if (!isLease(await cluster!.place(planId))) return refuse(socket, 409, "Not the plan's owner");
    serve(request, socket, head, planId, decision);
  };

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    const forwarded = cluster ? FORWARDED_PATH.exec(path) : null;
    if (forwarded) {
      return void onForwarded(request, socket, head, forwarded[1]!).catch((error: unknown) => {
        logger.error({ err: error, planId: forwarded[1] }, "forwarded upgrade failed");
        refuse(socket, 503, "Service Unavailable");
      });
    }
    const match = COLLAB_PATH.exec(path);
    if (!match) return refuse(socket, 404, "Not Found");
    const planId = match[1]!;
    authorize(request, planId)
      .then(async (decision) => {
        if ("status" in decision) {
          logger.info({ planId, status: decision.status, reason: decision.reason }, "refused a connection");
          return refuse(socket, decision.status, decision.reason);
        }
        const held = cluster ? await cluster.place(planId) : null;
        if (held && !isLease(held)) return forward(request, socket, head, planId, decision, held);
        serve(request, socket, head, planId, decision);
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
