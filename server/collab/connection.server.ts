import { WebSocket } from "ws";
import { canEdit, suggestsOnly, type Role } from "../../app/shared/permissions";
import { handleMessage, type PeerIdentity } from "./message-handler.server";
import { CloseCode } from "./close-codes.server";
import { ProtocolError, ProtocolRefusal } from "./errors.server";
import type { CollabLimits } from "../limits.server";
import type { Logger } from "../log.server";
import type { Peer, PlanRoom } from "./room.server";
import type { RoomRegistry } from "./rooms.server";

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
 * Messages bigger than one connection's share, queued and not yet written, with how many
 * connections hold each, and their bytes counted once each. One per server, shared by its
 * connections.
 */
export interface LargeSends {
  holders: Map<Uint8Array, number>;
  bytes: number;
}

export interface ConnectionOptions {
  ws: WebSocket;
  planId: string;
  decision: UpgradeDecision;
  rooms: RoomRegistry;
  limits: SocketLimits;
  largeSends: LargeSends;
  /** Carries the plan, the user and the connection's number. */
  log: Logger;
  /** Called on every pong, so the pinger knows the connection is alive. */
  onPong: () => void;
}

/**
 * Serves one upgraded connection: joins it to its plan's room, hands its frames to the message
 * handler, and takes it out of the room when it closes.
 */
export function serveConnection(options: ConnectionOptions): void {
  const { ws, planId, decision, rooms, log } = options;
  const { peer, dropQueued } = socketPeer(options);
  // Frames that arrive while the plan is being loaded wait for it, in order.
  let room: PlanRoom | undefined;
  const queued: WebSocket.RawData[] = [];
  const joining = rooms.join(planId, peer).then(
    (joined) => {
      room = joined;
      for (const frame of queued.splice(0)) handleFrame(joined, peer, decision.identity, frame, log);
      return joined;
    },
    (error: unknown) => {
      log.error({ err: error }, "could not open the plan");
      peer.close(CloseCode.InternalError, "the server could not open this plan");
      return undefined;
    },
  );
  ws.on("message", (data, isBinary) => {
    if (!isBinary) return peer.close(CloseCode.UnsupportedData, "binary frames only");
    if (room) handleFrame(room, peer, decision.identity, data, log);
    else queued.push(data);
  });
  ws.on("pong", options.onPong);
  // ws has already sent the fitting close frame (1009 for an oversized one); the listener
  // only keeps the error from being thrown as unhandled.
  ws.on("error", () => undefined);
  ws.on("close", () => {
    // Whatever it still had queued is dropped with the socket.
    dropQueued();
    queued.length = 0;
    void joining.then((joined) => {
      try {
        if (joined) rooms.leave(joined, peer);
      } catch (error) {
        log.error({ err: error }, "failed to remove a connection");
      }
    });
  });
}

/** Handles one binary frame; a refused or malformed one closes the connection with its code. */
function handleFrame(room: PlanRoom, peer: Peer, identity: PeerIdentity, frame: WebSocket.RawData, log: Logger) {
  const refuse = (error: unknown) => {
    if (error instanceof ProtocolRefusal) {
      log.warn({ reason: error.reason, closeCode: error.closeCode }, `refused a message: ${error.reason}`);
      return peer.close(error.closeCode, error.reason);
    }
    if (error instanceof ProtocolError) {
      log.warn({ reason: error.message }, `malformed message: ${error.message}`);
      return peer.close(CloseCode.InvalidPayload, "malformed message");
    }
    // A plan closed while a reply was being prepared has closed this connection already.
    if (room.isBroken() || !room.isOpen()) return;
    log.error({ err: error }, "failed to handle a message");
    peer.close(CloseCode.InternalError, "server error");
  };
  try {
    handleMessage(room, peer, identity, toUint8Array(frame))?.catch(refuse);
  } catch (error) {
    refuse(error);
  }
}

/**
 * The room's view of a socket: sends within the connection's share of buffered bytes, larger
 * ones within the server's large-send budget. `dropQueued` releases what it still holds.
 */
function socketPeer({ ws, decision, limits, largeSends, log }: ConnectionOptions) {
  /** The large messages this connection has queued. */
  const ownLarge = new Set<Uint8Array>();
  const releaseLarge = (message: Uint8Array) => {
    if (!ownLarge.delete(message)) return;
    const holders = largeSends.holders.get(message)! - 1;
    if (holders > 0) return void largeSends.holders.set(message, holders);
    largeSends.holders.delete(message);
    largeSends.bytes -= message.byteLength;
  };
  const peer: Peer = {
    userId: decision.identity.id,
    sessionHash: decision.sessionHash,
    readOnly: !canEdit(decision.role) && !suggestsOnly(decision.role),
    suggestOnly: suggestsOnly(decision.role),
    send(message) {
      if (ws.readyState !== WebSocket.OPEN) return;
      const size = message.byteLength;
      if (size <= limits.maxBufferedBytes) {
        // Checked with the new message counted: a client that does not read is cut off
        // before it holds more than its share, not after, and close frames would only queue.
        const ownLargeBytes = [...ownLarge].reduce((sum, large) => sum + large.byteLength, 0);
        if (ws.bufferedAmount - ownLargeBytes + size > limits.maxBufferedBytes) {
          log.warn("closing a connection that does not read its messages");
          return ws.terminate();
        }
        return ws.send(message);
      }
      // A plan's whole state can be bigger than one connection's share: it is sent when the
      // process has room for it, counted apart from the connection's own share. Clients
      // that share one message (a fresh client's full state) hold one copy between them.
      const holders = largeSends.holders.get(message) ?? 0;
      if (holders === 0 && largeSends.bytes + size > limits.maxLargeSendBytes) {
        log.warn("too many large sends queued; asking a client to come back later");
        ws.close(CloseCode.TryAgainLater, "server busy, try again shortly");
        return;
      }
      if (holders === 0) largeSends.bytes += size;
      largeSends.holders.set(message, holders + 1);
      ownLarge.add(message);
      ws.send(message, () => releaseLarge(message));
    },
    close(code, reason) {
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) {
        ws.close(code, reason);
      }
    },
  };
  const dropQueued = () => {
    for (const message of [...ownLarge]) releaseLarge(message);
  };
  return { peer, dropQueued };
}

function toUint8Array(data: WebSocket.RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
