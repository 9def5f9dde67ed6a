import * as awarenessProtocol from "y-protocols/awareness";
import { COLLAB_LIMITS } from "../limits.server";
import * as Y from "yjs";
import type { DocStore, StoredDoc } from "./doc-store.server";
import { canEdit, suggestsOnly, type Role } from "../../app/shared/permissions";
import { CloseCode } from "./close-codes.server";
import {
  planEventMessage,
  presenceMessage,
  syncStep1Message,
  syncStep2Message,
  syncUpdateMessage,
} from "./protocol.server";
import type { PlanEvent } from "../../app/shared/plan-events";
import { guarded } from "./guard.server";
import { ProtocolError, ProtocolRefusal } from "./errors.server";
import { checkUpdate, type DocumentRules } from "./update-validation.server";
import { SuggestionGate } from "./suggestion-gate.server";
import { moduleLog } from "../log.server";

const logger = moduleLog("collab");

/** Whether a transaction's origin is a connected client (the server's own edits are not). */
export function isPeer(origin: unknown): origin is Peer {
  return (
    typeof origin === "object" &&
    origin !== null &&
    typeof (origin as Partial<Peer>).userId === "string" &&
    typeof (origin as Partial<Peer>).send === "function"
  );
}

/** One client connected to a room: what the room needs to know of it, whatever the transport. */
export interface Peer {
  readonly userId: string;
  /** The sign-in session it was opened with, so signing out closes it. */
  readonly sessionHash?: string;
  /** Changes while connected when the user's role on the plan changes. */
  readOnly: boolean;
  /** A reviewer: their updates may only add, change or withdraw their own suggestions. */
  suggestOnly?: boolean;
  send(message: Uint8Array): void;
  close(code: number, reason: string): void;
}

export interface RoomOptions {
  /** Logged updates after which the log is folded into a snapshot. */
  compactAfterUpdates: number;
  /**
   * How long presence changes are gathered before one message carries them all to every peer.
   * Cursor moves are most of the traffic and a peer only needs each client's latest state, so
   * with n people each moving twice a second this sends n/window messages a second, not 2n².
   */
  awarenessBatchMs: number;
  /** The events a peer that subscribes to the plan's events is sent first. */
  currentEvents(): Promise<PlanEvent[]>;
  /** What a peer's update may contain; checked before it touches the document. */
  rules: DocumentRules;
  /** Stored size past which only updates that delete are taken. */
  maxPlanBytes: number;
  /** Awareness client ids one peer may speak for. */
  maxPresenceClients: number;
}

/** A function waiting to be run on the document at the next cut, and told once that batch is stored. */
interface Reader {
  run(doc: Y.Doc): unknown;
  settle(outcome: { ok: true; value: unknown; at: CommitPoint } | { ok: false; error: unknown }): void;
}

/** Where the log stood once a cut's batch was stored. */
interface CommitPoint {
  /** The number of the newest stored update: the batch the cut closed, or the one before it. */
  lastUpdateId: number;
  loggedUpdates: number;
  storedBytes: number;
}

/**
 * A loaded plan: its Yjs document, who is connected, and their presence. The updates that reach
 * the document in one turn of the event loop are cut into one batch, stored as one commit and
 * only then relayed, as one message per peer: under load a turn holds many edits, so fan-out and
 * fsyncs shrink with it, and an edit is still on disk before any peer is sent it. One batch is
 * stored at a time; updates that arrive meanwhile make the next (decision 0042).
 */
export class PlanRoom {
  readonly doc = new Y.Doc({ gc: true });
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  /** Each peer with the awareness client ids it speaks for. */
  private readonly peers = new Map<Peer, Set<number>>();
  /** The same claims the other way round: looked up for every presence entry received. */
  private readonly clientOwners = new Map<number, Peer>();
  /** Peers that asked for plan events (sign-off state and the like). */
  private readonly subscribers = new Set<Peer>();
  /** Peers whose current events are being read. */
  private readonly subscribing = new Set<Peer>();
  private lastUpdateId: number;
  private loggedUpdates: number;
  private compactionScheduled = false;
  /** The compactions asked for, one after another. */
  private compacting: Promise<void> = Promise.resolve();
  /** Presence changes not yet sent, and the timer that will send them. */
  private readonly awarenessChanged = new Set<number>();
  private awarenessFlush: NodeJS.Timeout | undefined;
  /** Document updates applied since the last cut, not yet stored or relayed, with who sent each. */
  private pending: { update: Uint8Array; origin: unknown }[] = [];
  private pendingFlush: NodeJS.Immediate | undefined;
  /** Functions to run on the document at the next cut. */
  private readers: Reader[] = [];
  /** The batch being stored, until its append settles and it is relayed. */
  private storing: Promise<void> | undefined;
  /** True while a cut runs its readers, whose own reads wait for the next cut. */
  private cutting = false;
  private broken = false;
  private destroyed = false;
  /** The stored snapshot and log, in bytes, as it grows and is compacted. */
  private storedBytes: number;
  private readonly guardedFlush: () => void;
  /** The latest `fullStateMessage`, until the document changes. */
  private fullState: Uint8Array | undefined;
  private readonly guardedFlushAwareness: () => void;
  /** Holds suggest-only peers to their suggestions. */
  private readonly suggestionGate: SuggestionGate;

  constructor(
    readonly planId: string,
    stored: StoredDoc,
    private readonly store: DocStore,
    private readonly options: RoomOptions,
  ) {
    Y.applyUpdate(this.doc, stored.state);
    this.lastUpdateId = stored.lastUpdateId;
    this.loggedUpdates = stored.loggedUpdates;
    this.storedBytes = stored.state.byteLength;
    this.guardedFlush = guarded(`storing an update of plan ${planId}`, () => this.cut());
    this.guardedFlushAwareness = guarded(`sending presence of plan ${planId}`, () => this.flushAwareness());
    this.suggestionGate = new SuggestionGate(this.doc, options.rules.sectionKeys);
    this.awareness.setLocalState(null);
    this.doc.on("update", this.onDocUpdate);
    this.awareness.on("update", this.onAwarenessUpdate);
  }

  get peerCount(): number {
    return this.peers.size;
  }

  join(peer: Peer): void {
    this.peers.set(peer, new Set());
    peer.send(syncStep1Message(this.doc));
    const states = this.awareness.getStates();
    if (states.size > 0) peer.send(presenceMessage(this.awareness, [...states.keys()]));
  }

  leave(peer: Peer): void {
    const clientIds = this.peers.get(peer);
    if (!clientIds) return;
    this.peers.delete(peer);
    this.subscribers.delete(peer);
    for (const id of clientIds) this.clientOwners.delete(id);
    if (![...this.peers.keys()].some((other) => other.suggestOnly)) this.suggestionGate.drop();
    if (clientIds.size > 0) {
      awarenessProtocol.removeAwarenessStates(this.awareness, [...clientIds], null);
    }
  }

  /**
   * Applies a role change to the user's open connections at once: removed users are
   * disconnected, others become read-only or writable.
   */
  updateAccess(
    userId: string,
    role: Role | null,
    closing: { code: number; reason: string } = { code: CloseCode.AccessRevoked, reason: "removed from the plan" },
  ): void {
    for (const peer of [...this.peers.keys()]) {
      if (peer.userId !== userId) continue;
      if (role === null) peer.close(closing.code, closing.reason);
      else {
        peer.readOnly = !canEdit(role) && !suggestsOnly(role);
        peer.suggestOnly = suggestsOnly(role);
      }
    }
  }

  /** True when the user has a connection open to the plan. */
  hasUser(userId: string): boolean {
    for (const peer of this.peers.keys()) if (peer.userId === userId) return true;
    return false;
  }

  /**
   * Sends the peer the plan's current events, then every event published after. The current
   * events are read from stored state, which can take a store's round trip: the peer is
   * subscribed when they are sent, so no older event can follow them. An event published
   * during that wait is not sent; the next one of its kind carries its change.
   */
  async subscribe(peer: Peer): Promise<void> {
    if (!this.peers.has(peer) || this.subscribers.has(peer) || this.subscribing.has(peer)) return;
    this.subscribing.add(peer);
    try {
      const events = await this.options.currentEvents();
      if (!this.peers.has(peer)) return;
      this.subscribers.add(peer);
      for (const event of events) peer.send(planEventMessage(event));
    } finally {
      this.subscribing.delete(peer);
    }
  }

  publish(event: PlanEvent): void {
    if (this.subscribers.size === 0) return;
    const message = planEventMessage(event);
    for (const peer of this.subscribers) peer.send(message);
  }

  /**
   * Applies a peer's document update, once it has passed the plan's rules; the next cut stores
   * it and relays it. Throws `ProtocolRefusal` for an update the plan will not take.
   */
  applyUpdate(peer: Peer, update: Uint8Array): void {
    if (peer.readOnly || this.destroyed) return;
    const { adds, complete } = checkUpdate(this.doc, update, this.options.rules);
    if (!complete) return;
    if (peer.suggestOnly) this.suggestionGate.check(update, peer.userId);
    if (adds && this.storedBytes + update.byteLength > this.options.maxPlanBytes) {
      const limit = Math.round(this.options.maxPlanBytes / 1024 / 1024);
      throw new ProtocolRefusal(
        CloseCode.TooLarge,
        `change refused: the plan is at its size limit (${limit} MiB); delete something first`,
      );
    }
    try {
      Y.applyUpdate(this.doc, update, peer);
    } catch {
      // The document's own observers are guarded, so what fails here is the update.
      throw new ProtocolError("malformed document update");
    }
    // Deleted content is only freed from the stored size by folding the log into a snapshot.
    if (!adds && this.storedBytes > this.options.maxPlanBytes) this.scheduleCompaction();
  }

  /** Refuses presence for more client ids than one connection may speak for. */
  checkPresenceClaims(peer: Peer, clientIds: number[]): void {
    const claimed = this.peers.get(peer);
    if (!claimed) return;
    const added = clientIds.filter((id) => !claimed.has(id)).length;
    if (claimed.size + added > this.options.maxPresenceClients) {
      throw new ProtocolRefusal(
        CloseCode.UpdateRefused,
        `presence refused: more than ${this.options.maxPresenceClients} cursors on one connection`,
      );
    }
  }

  /** The peer that speaks for an awareness client id, if any. */
  ownerOfClientId(clientId: number): Peer | undefined {
    return this.clientOwners.get(clientId);
  }

  /**
   * Runs `read` on the document at the next cut and gives its result once that cut's batch is
   * stored, so nothing read from it is ever ahead of the disk. What `read` writes to the
   * document joins that batch. It throws if the batch cannot be stored.
   */
  async read<T>(read: (doc: Y.Doc) => T): Promise<T> {
    return (await this.readAtCut(read)).value;
  }

  /** The document as an update, minus what `stateVector` already has, for a peer's sync step 1. */
  stateAsUpdate(stateVector?: Uint8Array): Promise<Uint8Array> {
    return this.read((doc) => Y.encodeStateAsUpdate(doc, stateVector));
  }

  /** Sync step 2 with the whole document, built once per version of it. */
  fullStateMessage(): Promise<Uint8Array> {
    return this.read((doc) => (this.fullState ??= syncStep2Message(Y.encodeStateAsUpdate(doc))));
  }

  /**
   * Folds the update log into one snapshot; cheap to call when there is nothing to fold. The
   * state is encoded at a cut and covers the log up to the batch that cut closed: a batch stored
   * while the snapshot is written is not in it, so its number is not the snapshot's. Failures
   * are logged; the log stays as it was.
   */
  compact(): Promise<void> {
    this.compactionScheduled = false;
    this.compacting = this.compacting.then(() => this.compactOnce());
    return this.compacting;
  }

  /** Resolves once no batch is being stored. */
  async settled(): Promise<void> {
    while (this.storing) await this.storing;
  }

  /**
   * Closes every connection and releases the document. Updates not yet cut are dropped: no
   * peer was sent them, and their senders send them again when they reconnect.
   */
  destroy(code: number = CloseCode.GoingAway, reason = "plan unloaded"): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const peer of [...this.peers.keys()]) peer.close(code, reason);
    this.peers.clear();
    this.subscribers.clear();
    clearTimeout(this.awarenessFlush);
    clearImmediate(this.pendingFlush);
    this.pending = [];
    const readers = this.readers;
    this.readers = [];
    for (const reader of readers) reader.settle({ ok: false, error: new Error(`plan ${this.planId} was unloaded`) });
    this.doc.off("update", this.onDocUpdate);
    this.awareness.off("update", this.onAwarenessUpdate);
    this.awareness.destroy();
    this.suggestionGate.drop();
    this.doc.destroy();
  }

  isBroken(): boolean {
    return this.broken;
  }

  /** False once the room has been destroyed. */
  isOpen(): boolean {
    return !this.destroyed;
  }

  private readAtCut<T>(read: (doc: Y.Doc) => T): Promise<{ value: T; at: CommitPoint }> {
    if (this.destroyed) return Promise.reject(new Error(`plan ${this.planId} was unloaded`));
    return new Promise((resolve, reject) => {
      this.readers.push({
        run: read,
        settle: (outcome) =>
          outcome.ok ? resolve({ value: outcome.value as T, at: outcome.at }) : reject(outcome.error),
      });
      this.cut();
    });
  }

  private async compactOnce(): Promise<void> {
    if (this.destroyed || this.broken) return;
    try {
      const { value: state, at } = await this.readAtCut((doc) => Y.encodeStateAsUpdate(doc));
      if (at.loggedUpdates === 0) return;
      await this.store.compact(this.planId, state, at.lastUpdateId);
      // Batches stored since the cut are still in the log, after the snapshot.
      this.loggedUpdates -= at.loggedUpdates;
      this.storedBytes = state.byteLength + (this.storedBytes - at.storedBytes);
    } catch (error) {
      if (this.destroyed || this.broken) return;
      logger.error({ err: error, planId: this.planId }, `could not compact plan ${this.planId}`);
    }
  }

  private scheduleCompaction(): void {
    if (this.compactionScheduled) return;
    this.compactionScheduled = true;
    setImmediate(() => void this.compact());
  }

  /**
   * Cuts a batch: runs the waiting readers on the document, takes the updates applied since the
   * last cut, stores them as one commit, then relays them and gives the readers their results.
   * While a batch is being stored nothing is cut; the next cut follows when it is done.
   */
  private cut(): void {
    clearImmediate(this.pendingFlush);
    this.pendingFlush = undefined;
    if (this.storing || this.cutting || this.destroyed) return;
    const readers = this.readers;
    this.readers = [];
    if (this.broken) {
      for (const reader of readers) reader.settle({ ok: false, error: new Error("storage failure") });
      return;
    }
    this.cutting = true;
    let results: ({ ok: true; value: unknown } | { ok: false; error: unknown })[];
    try {
      results = readers.map((reader) => {
        try {
          return { ok: true, value: reader.run(this.doc) };
        } catch (error) {
          return { ok: false, error };
        }
      });
    } finally {
      this.cutting = false;
    }
    const settle = (failure?: unknown) => {
      const at = { lastUpdateId: this.lastUpdateId, loggedUpdates: this.loggedUpdates, storedBytes: this.storedBytes };
      readers.forEach((reader, i) => {
        const result = results[i]!;
        if (failure !== undefined) reader.settle({ ok: false, error: failure });
        else reader.settle(result.ok ? { ...result, at } : result);
      });
    };
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) {
      settle();
      if (this.readers.length > 0) this.cut();
      return;
    }
    let merged: Uint8Array;
    try {
      merged = batch.length === 1 ? batch[0]!.update : Y.mergeUpdates(batch.map((entry) => entry.update));
    } catch (error) {
      return this.breakOn(error, settle);
    }
    this.storing = this.storeBatch(batch, merged, settle);
  }

  /** Stores one batch, then relays it; a batch that cannot be stored breaks the room. */
  private async storeBatch(
    batch: { update: Uint8Array; origin: unknown }[],
    merged: Uint8Array,
    settle: (failure?: unknown) => void,
  ): Promise<void> {
    try {
      this.lastUpdateId = await this.store.append(this.planId, merged);
    } catch (error) {
      this.storing = undefined;
      return this.breakOn(error, settle);
    }
    this.loggedUpdates += 1;
    this.storedBytes += merged.byteLength;
    try {
      this.relay(batch, merged);
    } catch (error) {
      logger.error({ err: error, planId: this.planId }, `failed while relaying an update of plan ${this.planId}`);
    }
    this.storing = undefined;
    settle();
    if (this.loggedUpdates >= this.options.compactAfterUpdates) this.scheduleCompaction();
    if (this.pending.length > 0 || this.readers.length > 0) this.cut();
  }

  /**
   * The document now holds updates the disk does not: refuses every reader and drops every
   * connection, so that clients resend their state to a room reloaded from what was stored.
   */
  private breakOn(error: unknown, settle: (failure?: unknown) => void): void {
    logger.error({ err: error, planId: this.planId }, `could not store an update of plan ${this.planId}`);
    this.broken = true;
    settle(new Error("storage failure"));
    this.cut();
    queueMicrotask(() => this.destroy(CloseCode.InternalError, "storage failure"));
  }

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    this.fullState = undefined;
    this.suggestionGate.follow(update);
    this.pending.push({ update, origin });
    this.pendingFlush ??= setImmediate(this.guardedFlush);
  };

  /** Sends each peer the batch, leaving out the updates that peer sent itself. */
  private relay(batch: { update: Uint8Array; origin: unknown }[], merged: Uint8Array): void {
    const toEveryone = syncUpdateMessage(merged);
    const origins = new Set(batch.map((entry) => entry.origin));
    for (const peer of this.peers.keys()) {
      if (!origins.has(peer)) {
        peer.send(toEveryone);
        continue;
      }
      const others = batch.filter((entry) => entry.origin !== peer).map((entry) => entry.update);
      if (others.length > 0) peer.send(syncUpdateMessage(others.length === 1 ? others[0]! : Y.mergeUpdates(others)));
    }
  }

  private readonly onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    const owner = isPeer(origin) ? origin : null;
    const claimed = owner ? this.peers.get(owner) : undefined;
    if (owner && claimed) {
      for (const id of added) {
        claimed.add(id);
        this.clientOwners.set(id, owner);
      }
      for (const id of removed) {
        claimed.delete(id);
        this.clientOwners.delete(id);
      }
    }
    for (const id of [...added, ...updated, ...removed]) this.awarenessChanged.add(id);
    this.awarenessFlush ??= setTimeout(this.guardedFlushAwareness, this.options.awarenessBatchMs);
    if (removed.length > 0) this.forgetDepartedClients();
  };

  /**
   * Awareness keeps the last clock of every client that left, so a late echo of its cursor is
   * not shown again; past `maxDepartedPresenceClients` the oldest are forgotten, so ids that
   * come and go cannot grow the room's memory.
   */
  private forgetDepartedClients(): void {
    const meta = this.awareness.meta;
    let departed = meta.size - this.awareness.states.size;
    for (const clientId of meta.keys()) {
      if (departed <= COLLAB_LIMITS.maxDepartedPresenceClients) break;
      if (this.awareness.states.has(clientId)) continue;
      meta.delete(clientId);
      departed--;
    }
  }

  private readonly flushAwareness = (): void => {
    this.awarenessFlush = undefined;
    if (this.awarenessChanged.size === 0) return;
    const message = presenceMessage(this.awareness, [...this.awarenessChanged]);
    this.awarenessChanged.clear();
    for (const peer of this.peers.keys()) peer.send(message);
  };
}
