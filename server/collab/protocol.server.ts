import * as awarenessProtocol from "y-protocols/awareness";
import * as syncProtocol from "y-protocols/sync";
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import type * as Y from "yjs";
import { PLAN_EVENTS_MESSAGE, type PlanEvent } from "../../app/shared/plan-events";
import { COLLAB_LIMITS } from "../limits.server";
import { CloseCode } from "./close-codes.server";
import { ProtocolError, ProtocolRefusal } from "./errors.server";

/**
 * The wire format of `/collab/:planId`: the y-websocket protocol (sync and awareness) plus
 * Coplan's plan events. Every frame the server reads is decoded here, in full, before anything
 * acts on it, and every frame it sends is encoded here.
 */

/** The first varint of every frame. */
export const MessageType = {
  Sync: 0,
  Awareness: 1,
  QueryAwareness: 3,
  PlanEvents: PLAN_EVENTS_MESSAGE,
} as const;

/** One client's presence in an awareness message, its state still as the JSON bytes sent. */
export interface PresenceEntry {
  clientId: number;
  clock: number;
  json: Uint8Array;
}

/** A frame from a client, decoded. */
export type ClientMessage =
  | { type: "sync-step-1"; stateVector: Uint8Array }
  /** Sync step 2 or an update: either way, a document update to apply. */
  | { type: "update"; update: Uint8Array }
  | { type: "presence"; entries: PresenceEntry[] }
  | { type: "query-presence" }
  | { type: "subscribe-plan-events" };

/** Decodes a whole frame, or throws `ProtocolError`: a truncated or corrupt frame acts on nothing. */
export function decodeClientMessage(frame: Uint8Array): ClientMessage {
  const decoder = decoding.createDecoder(frame);
  const type = readVarUint(decoder);
  switch (type) {
    case MessageType.Sync: {
      const syncType = readVarUint(decoder);
      if (syncType === syncProtocol.messageYjsSyncStep1)
        return { type: "sync-step-1", stateVector: readVarUint8Array(decoder) };
      if (syncType === syncProtocol.messageYjsSyncStep2 || syncType === syncProtocol.messageYjsUpdate) {
        return { type: "update", update: readVarUint8Array(decoder) };
      }
      throw new ProtocolError(`unknown sync message type ${syncType}`);
    }
    case MessageType.Awareness:
      return { type: "presence", entries: decodePresenceEntries(readVarUint8Array(decoder)) };
    case MessageType.QueryAwareness:
      return { type: "query-presence" };
    case MessageType.PlanEvents:
      return { type: "subscribe-plan-events" };
    default:
      throw new ProtocolError(`unknown message type ${type}`);
  }
}

function decodePresenceEntries(update: Uint8Array): PresenceEntry[] {
  const decoder = decoding.createDecoder(update);
  const count = readVarUint(decoder);
  if (count > COLLAB_LIMITS.maxPresenceEntriesPerMessage) {
    throw new ProtocolRefusal(
      CloseCode.UpdateRefused,
      `presence refused: more than ${COLLAB_LIMITS.maxPresenceEntriesPerMessage} entries in one message`,
    );
  }
  const entries: PresenceEntry[] = [];
  for (let i = 0; i < count; i++) {
    entries.push({ clientId: readVarUint(decoder), clock: readVarUint(decoder), json: readVarUint8Array(decoder) });
  }
  return entries;
}

/** A presence state's JSON: an object, or null for a client that left. */
export function parsePresenceState(json: Uint8Array): Record<string, unknown> | null {
  let state: unknown;
  try {
    state = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(json));
  } catch {
    throw new ProtocolError("malformed awareness state");
  }
  if (state !== null && !isRecord(state)) throw new ProtocolError("awareness state is not an object");
  return state;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Sync step 1: the server's state vector, asking the client for what the server lacks. */
export function syncStep1Message(doc: Y.Doc): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.Sync);
  syncProtocol.writeSyncStep1(encoder, doc);
  return encoding.toUint8Array(encoder);
}

/** Sync step 2: what the client lacks, in answer to its sync step 1. */
export function syncStep2Message(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.Sync);
  encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep2);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}

/** A document update relayed to a client (also used to send a whole stored state). */
export function syncUpdateMessage(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.Sync);
  syncProtocol.writeUpdate(encoder, update);
  return encoding.toUint8Array(encoder);
}

/** The presence of the given clients, as every peer is sent it. */
export function presenceMessage(awareness: awarenessProtocol.Awareness, clientIds: number[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.Awareness);
  encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(awareness, clientIds));
  return encoding.toUint8Array(encoder);
}

/** An awareness update (not a frame) holding the given states, to apply to the room's awareness. */
export function encodePresenceUpdate(entries: { clientId: number; clock: number; state: unknown }[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const { clientId, clock, state } of entries) {
    encoding.writeVarUint(encoder, clientId);
    encoding.writeVarUint(encoder, clock);
    encoding.writeVarString(encoder, JSON.stringify(state));
  }
  return encoding.toUint8Array(encoder);
}

/** A plan event (sign-off state, comment changes) for the clients that subscribed. */
export function planEventMessage(event: PlanEvent): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.PlanEvents);
  encoding.writeVarString(encoder, JSON.stringify(event));
  return encoding.toUint8Array(encoder);
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
