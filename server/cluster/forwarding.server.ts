import type { IncomingMessage } from "node:http";
import { WebSocket } from "ws";
import { z } from "zod";
import { ROLES } from "../../app/shared/permissions";
import { CloseCode } from "../collab/close-codes.server";
import type { SocketLimits, UpgradeDecision } from "../collab/connection.server";
import type { Logger } from "../log.server";
import type { Holder } from "./plan-leases.server";
import { showsClusterSecret } from "./cluster-secret.server";

/** Where a process takes the connections other processes forward to it. */
export const FORWARDED_PATH = /^\/cluster\/collab\/([A-Za-z0-9-]{1,64})$/;

const PEER_HEADER = "x-coplan-peer";

/**
 * How often a forwarding process pings the owner; an owner that has not answered by the next
 * ping is taken for gone (frozen, or cut off), so its clients reconnect to wherever the plan is
 * served once its lease has run out, rather than wait on it.
 */
const OWNER_PING_MS = 1000;

/** The peer a forwarding process vouches for: it checked the session and the access already. */
const forwardedPeer = z.object({
  identity: z.object({ id: z.string(), name: z.string(), organisation: z.string() }),
  role: z.enum(ROLES),
  sessionHash: z.string().optional(),
});

/** The peer a forwarded connection carries, if it shows the cluster's secret; null otherwise. */
export function forwardedDecision(request: IncomingMessage, secret: string): UpgradeDecision | null {
  if (!showsClusterSecret(request, secret)) return null;
  try {
    const header = String(request.headers[PEER_HEADER] ?? "");
    return forwardedPeer.parse(JSON.parse(Buffer.from(header, "base64url").toString("utf8")));
  } catch {
    return null;
  }
}

/** Close codes one side may send on; the others (no status, abnormal closure) become "reconnect". */
function passableCode(code: number): number {
  const sendable = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
  return sendable ? code : CloseCode.ServiceRestart;
}

/**
 * Carries a client's connection to the process that owns its plan: frames pass as they are both
 * ways, queued in order until the owner has answered. When the owner goes (it stopped, died or
 * lost the plan) the client is closed with a code that makes it reconnect, and lands wherever
 * the plan is served next.
 */
export function forwardConnection(options: {
  client: WebSocket;
  holder: Holder;
  planId: string;
  decision: UpgradeDecision;
  secret: string;
  limits: SocketLimits;
  log: Logger;
}): void {
  const { client, holder, planId, decision, secret, limits, log } = options;
  const upstream = new WebSocket(`ws://${holder.address}/cluster/collab/${planId}`, {
    headers: {
      authorization: `Bearer ${secret}`,
      [PEER_HEADER]: Buffer.from(JSON.stringify(decision)).toString("base64url"),
    },
    perMessageDeflate: false,
    maxPayload: limits.maxLargeSendBytes + limits.maxPayloadBytes,
    handshakeTimeout: 2000,
  });
  const queued: WebSocket.RawData[] = [];
  const closeClient = (code: number, reason: string) => {
    if (client.readyState === WebSocket.OPEN || client.readyState === WebSocket.CONNECTING) {
      client.close(passableCode(code), reason);
    }
  };
  client.on("message", (data, isBinary) => {
    if (!isBinary) return client.close(CloseCode.UnsupportedData, "binary frames only");
    if (upstream.readyState === WebSocket.OPEN) upstream.send(data);
    else if (upstream.readyState === WebSocket.CONNECTING) queued.push(data);
  });
  client.on("error", () => undefined);
  client.on("close", () => {
    queued.length = 0;
    if (upstream.readyState === WebSocket.CONNECTING) upstream.terminate();
    else upstream.close(1000);
  });
  let answered = true;
  const pinger = setInterval(() => {
    if (upstream.readyState !== WebSocket.OPEN) return;
    if (!answered) {
      log.warn({ owner: holder.address }, "the plan's owner stopped answering");
      return upstream.terminate();
    }
    answered = false;
    upstream.ping();
  }, OWNER_PING_MS);
  pinger.unref();
  upstream.on("pong", () => (answered = true));
  upstream.on("open", () => {
    for (const frame of queued.splice(0)) upstream.send(frame);
  });
  upstream.on("message", (data) => {
    if (client.readyState !== WebSocket.OPEN) return;
    // The owner bounds what it queues for this connection; here the client must keep up too.
    if (client.bufferedAmount > limits.maxBufferedBytes + limits.maxLargeSendBytes) {
      log.warn("closing a forwarded connection that does not read its messages");
      client.terminate();
      return;
    }
    client.send(data);
  });
  upstream.on("unexpected-response", (_request, response) => {
    log.info({ status: response.statusCode, owner: holder.address }, "the plan's owner refused a forwarded connection");
    upstream.terminate();
    closeClient(CloseCode.ServiceRestart, "this plan moved to another server; reconnect");
  });
  upstream.on("error", (error) => log.info({ err: error, owner: holder.address }, "lost the plan's owner"));
  upstream.on("close", (code, reason) => {
    clearInterval(pinger);
    closeClient(code, reason.toString() || "this plan's server went away; reconnect");
  });
}
