import type { IncomingMessage, Server } from "node:http";
import type { Socket } from "node:net";
import type { RequestHandler } from "express";
import { HTTP_LIMITS } from "../limits.server";
import { ConnectionCounter, type LimitStore } from "../limit-store.server";
import { addressKey, clientAddress } from "./client-address.server";

/**
 * Node's HTTP timeouts, so a client that sends its request slowly or never finishes it is cut,
 * and, when clients connect directly, a cap on connections per address, taken before a single
 * byte is read: together they bound what one address can hold open. Behind proxies every
 * connection comes from a proxy, so there the cap is applied per forwarded address instead, to
 * requests and WebSocket upgrades (see `limitRequestsPerAddress` and the upgrade authorizer).
 */
export function guardConnections(server: Server, options: { maxPerAddress: number; perSocketAddress: boolean }): void {
  server.headersTimeout = HTTP_LIMITS.headersTimeoutMs;
  server.requestTimeout = HTTP_LIMITS.requestTimeoutMs;
  server.keepAliveTimeout = HTTP_LIMITS.keepAliveTimeoutMs;
  closeIdleConnectionsLate(server, HTTP_LIMITS.keepAliveGraceMs);
  if (!options.perSocketAddress) return;
  // Counted in this process, synchronously: the socket is refused before a byte of it is read.
  const perAddress = new ConnectionCounter(options.maxPerAddress);
  server.on("connection", (socket: Socket) => {
    if (!perAddress.tryTake(addressKey(socket.remoteAddress ?? "unknown"), socket)) socket.destroy();
  });
}

/**
 * Keeps an idle keep-alive connection open `graceMs` past its timeout: Node closes it when the
 * socket times out unless the server listens for "timeout", and the only socket timeout this
 * server sets is the keep-alive one (`server.timeout` is 0). A connection that times out again
 * still idle is closed; one that carries a new request starts over.
 */
function closeIdleConnectionsLate(server: Server, graceMs: number): void {
  const inGrace = new WeakSet<Socket>();
  server.on("request", (req: IncomingMessage) => inGrace.delete(req.socket));
  server.on("timeout", (socket: Socket) => {
    if (inGrace.has(socket)) return void socket.destroy();
    inGrace.add(socket);
    socket.setTimeout(graceMs);
  });
}

/** Behind proxies: requests in flight per forwarded client address, past the cap a 429. */
export function limitRequestsPerAddress(
  store: LimitStore,
  maxPerAddress: number,
  trustedProxies: number,
): RequestHandler {
  const perAddress = store.slots(maxPerAddress);
  return async (req, res, next) => {
    if (await perAddress.take(clientAddress(req, trustedProxies), res)) return next();
    res
      .status(429)
      .set({ "Retry-After": "1", Connection: "close" })
      .json({ error: "too many requests from your address at once" });
  };
}
