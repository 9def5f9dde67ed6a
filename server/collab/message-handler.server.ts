import * as awarenessProtocol from "y-protocols/awareness";
import * as Y from "yjs";
import { dropUnreadablePresence } from "../../app/shared/presence-state";
import { COLLAB_LIMITS } from "../limits.server";
import { CloseCode } from "./close-codes.server";
import { ProtocolError, ProtocolRefusal } from "./errors.server";
import {
  decodeClientMessage,
  encodePresenceUpdate,
  isRecord,
  parsePresenceState,
  syncStep2Message,
  type PresenceEntry,
} from "./protocol.server";
import type { Peer, PlanRoom } from "./room.server";

/** The identity the server stamps on every presence state a peer publishes. */
export interface PeerIdentity {
  id: string;
  name: string;
  organisation: string;
}

/**
 * Handles one binary frame from a peer: decoded in full first, so a truncated or corrupt one
 * changes nothing. A read-only peer's updates are dropped; everything else is the room's. A sync
 * reply is sent once the state it carries is stored: the promise returned settles then.
 */
export function handleMessage(
  room: PlanRoom,
  peer: Peer,
  identity: PeerIdentity,
  frame: Uint8Array,
): Promise<void> | undefined {
  const message = decodeClientMessage(frame);
  switch (message.type) {
    case "sync-step-1":
      return syncReply(room, message.stateVector).then((reply) => peer.send(reply));
    case "update":
      if (!peer.readOnly) room.applyUpdate(peer, message.update);
      return;
    case "presence":
      handlePresence(room, peer, identity, message.entries);
      return;
    case "query-presence":
      return;
    case "subscribe-plan-events":
      return room.subscribe(peer);
  }
}

/**
 * What the peer lacks. A client with nothing yet (an empty state vector is one zero byte) gets
 * the message every such client shares, so many of them queue one copy of a large plan.
 */
function syncReply(room: PlanRoom, stateVector: Uint8Array): Promise<Uint8Array> {
  if (stateVector.length === 1 && stateVector[0] === 0) return room.fullStateMessage();
  try {
    Y.decodeStateVector(stateVector);
  } catch {
    throw new ProtocolError("malformed state vector");
  }
  return room.stateAsUpdate(stateVector).then(syncStep2Message);
}

/**
 * Presence is relayed only for client ids the peer owns, and always under the peer's own
 * signed-in identity, whatever name the client put in it, without the fields other pages
 * could not read. A state over the size limit, or more client ids than one connection may
 * speak for (every id it sends a state or a removal for counts), refuses the whole message.
 */
function handlePresence(room: PlanRoom, peer: Peer, identity: PeerIdentity, entries: PresenceEntry[]): void {
  const own: { clientId: number; clock: number; state: Record<string, unknown> | null }[] = [];
  for (const { clientId, clock, json } of entries) {
    // The stock provider sends every presence change it hears back to the server, so most
    // entries at a busy plan speak for others: skip those unread, and go on to the next.
    const owner = room.ownerOfClientId(clientId);
    if ((owner && owner !== peer) || room.doc.clientID === clientId) continue;
    if (json.byteLength > COLLAB_LIMITS.maxPresenceStateBytes) {
      throw new ProtocolRefusal(
        CloseCode.UpdateRefused,
        `presence refused: a state over ${COLLAB_LIMITS.maxPresenceStateBytes / 1024} KiB`,
      );
    }
    let state = parsePresenceState(json);
    // A removal for a client id this peer does not hold: an echo of someone who left (the
    // stock provider repeats every change it hears) or a made-up id. There is nothing to
    // remove, and applying it would keep the id in the room's memory for good.
    if (state === null && owner !== peer) continue;
    if (state !== null) {
      const user = isRecord(state.user) ? state.user : {};
      state = dropUnreadablePresence({ ...state, user: { ...user, ...identity } }, room.doc);
    }
    own.push({ clientId, clock, state });
  }
  if (own.length === 0) return;
  room.checkPresenceClaims(
    peer,
    own.map((entry) => entry.clientId),
  );
  awarenessProtocol.applyAwarenessUpdate(room.awareness, encodePresenceUpdate(own), peer);
}
