import * as awarenessProtocol from "y-protocols/awareness";
import * as syncProtocol from "y-protocols/sync";
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import { PLAN_EVENTS_MESSAGE } from "../../app/shared/plan-events";
import { CloseCode } from "./close-codes.server";
import { COLLAB_LIMITS } from "../limits.server";
import type { Peer, PlanRoom } from "./room.server";
import { ProtocolError, Refused } from "./errors.server";

/** The y-websocket protocol's message types (the first varint of every frame). */
export const MessageType = {
  Sync: 0,
  Awareness: 1,
  Auth: 2,
  QueryAwareness: 3,
  PlanEvents: PLAN_EVENTS_MESSAGE,
} as const;


/** The identity the server stamps on every presence state a peer publishes. */
export interface PeerIdentity {
  id: string;
  name: string;
  organisation: string;
}

/**
 * Handles one binary frame from a peer. Updates are decoded in full before they touch the
 * document, so a truncated or corrupt one changes nothing; read-only peers' updates are dropped.
 */
export function handleMessage(
  room: PlanRoom,
  peer: Peer,
  identity: PeerIdentity,
  frame: Uint8Array,
): void {
  const decoder = decoding.createDecoder(frame);
  const type = readVarUint(decoder);
  switch (type) {
    case MessageType.Sync:
      return handleSync(room, peer, decoder);
    case MessageType.Awareness:
      return handleAwareness(room, peer, identity, readVarUint8Array(decoder));
    case MessageType.QueryAwareness:
      return;
    case MessageType.PlanEvents:
      return room.subscribe(peer);
    default:
      throw new ProtocolError(`unknown message type ${type}`);
  }
}

function handleSync(room: PlanRoom, peer: Peer, decoder: decoding.Decoder): void {
  const syncType = readVarUint(decoder);
  switch (syncType) {
    case syncProtocol.messageYjsSyncStep1: {
      const stateVector = readVarUint8Array(decoder);
      // A client with nothing yet (an empty state vector is one zero byte) gets the message
      // every such client shares, so many of them queue one copy of a large plan, not many.
      if (stateVector.length === 1 && stateVector[0] === 0) return peer.send(room.fullStateMessage());
      let diff: Uint8Array;
      try {
        diff = room.stateAsUpdate(stateVector);
      } catch {
        throw new ProtocolError("malformed state vector");
      }
      const reply = encoding.createEncoder();
      encoding.writeVarUint(reply, MessageType.Sync);
      encoding.writeVarUint(reply, syncProtocol.messageYjsSyncStep2);
      encoding.writeVarUint8Array(reply, diff);
      peer.send(encoding.toUint8Array(reply));
      return;
    }
    case syncProtocol.messageYjsSyncStep2:
    case syncProtocol.messageYjsUpdate: {
      const update = readVarUint8Array(decoder);
      if (peer.readOnly) return;
      room.applyUpdate(peer, update);
      return;
    }
    default:
      throw new ProtocolError(`unknown sync message type ${syncType}`);
  }
}

/**
 * Presence is relayed only for client ids the peer owns, and always under the peer's own
 * signed-in identity, whatever name the client put in it. A state over the size limit, or
 * more client ids than one connection may speak for, refuses the whole message.
 */
function handleAwareness(
  room: PlanRoom,
  peer: Peer,
  identity: PeerIdentity,
  update: Uint8Array,
): void {
  const decoder = decoding.createDecoder(update);
  const count = readVarUint(decoder);
  const own: { clientId: number; clock: number; state: Record<string, unknown> | null }[] = [];
  for (let i = 0; i < count; i++) {
    const clientId = readVarUint(decoder);
    const clock = readVarUint(decoder);
    const json = readVarUint8Array(decoder);
    // The stock provider sends every presence change it hears back to the server, so most
    // entries at a busy plan speak for others: skip those unread, and go on to the next.
    const owner = room.ownerOfClientId(clientId);
    if ((owner && owner !== peer) || room.doc.clientID === clientId) continue;
    if (json.byteLength > COLLAB_LIMITS.maxPresenceStateBytes) {
      throw new Refused(CloseCode.UpdateRefused, `presence refused: a state over ${COLLAB_LIMITS.maxPresenceStateBytes / 1024} KiB`);
    }
    let state = readAwarenessState(json);
    if (state !== null) {
      const user = isRecord(state.user) ? state.user : {};
      state = { ...state, user: { ...user, ...identity } };
    }
    own.push({ clientId, clock, state });
  }
  if (own.length === 0) return;
  room.checkPresenceClaims(peer, own.filter((entry) => entry.state !== null).map((entry) => entry.clientId));
  const stamped = encoding.createEncoder();
  encoding.writeVarUint(stamped, own.length);
  for (const { clientId, clock, state } of own) {
    encoding.writeVarUint(stamped, clientId);
    encoding.writeVarUint(stamped, clock);
    encoding.writeVarString(stamped, JSON.stringify(state));
  }
  awarenessProtocol.applyAwarenessUpdate(room.awareness, encoding.toUint8Array(stamped), peer);
}

function readAwarenessState(json: Uint8Array): Record<string, unknown> | null {
  let state: unknown;
  try {
    state = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(json));
  } catch {
    throw new ProtocolError("malformed awareness state");
  }
  if (state !== null && !isRecord(state)) throw new ProtocolError("awareness state is not an object");
  return state;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** lib0 reads past the end or into absurd lengths without complaint; these refuse both. */
function readVarUint(decoder: decoding.Decoder): number {
  if (!decoding.hasContent(decoder)) throw new ProtocolError("message ended early");
  let value: number;
  try {
    value = decoding.readVarUint(decoder);
  } catch {
    // A varint cut off mid-way: lib0 throws its own error, which is the client's fault too.
    throw new ProtocolError("message ended early");
  }
  if (!Number.isSafeInteger(value) || value > 0xffffffff) {
    throw new ProtocolError("varint out of range");
  }
  return value;
}

function readVarUint8Array(decoder: decoding.Decoder): Uint8Array {
  const length = readVarUint(decoder);
  if (decoder.pos + length > decoder.arr.length) throw new ProtocolError("message ended early");
  return decoding.readUint8Array(decoder, length);
}
