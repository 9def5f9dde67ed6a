import * as Y from "yjs";
import type { Role } from "../../app/shared/permissions";
import type { Plan } from "../../db/schema";
import { CloseCode } from "./close-codes.server";
import type { DocStore, StoredDoc } from "./doc-store.server";
import { syncUpdateMessage } from "./protocol.server";
import { PlanRoom, type Peer } from "./room.server";
import type { PlanEvent } from "../../app/shared/plan-events";
import { guarded } from "./guard.server";
import { documentRules } from "./update-validation.server";
import { moduleLog } from "../log.server";
import { InProcessEventBus, type EventBus } from "../events/event-bus.server";
import { PlanHeldElsewhere } from "../cluster/plan-ownership.server";
import type { Holder } from "../cluster/plan-leases.server";
import { ServerEdit } from "./server-edit.server";

const logger = moduleLog("collab");

/**
 * A feature that follows each loaded plan, such as sign-off staleness: it may watch the
 * document while the plan is loaded, and may tell subscribers its current state.
 */
export interface RoomExtension {
  /** Called when a plan is loaded; may return what to do when it is unloaded. */
  attach?(room: PlanRoom, plan: Plan): (() => void) | void;
  /** What a client that subscribes to the plan's events is sent first. */
  currentEvents?(plan: Plan): PlanEvent[] | Promise<PlanEvent[]>;
}

export interface RoomRegistryOptions {
  /** How long a plan with no connection stays loaded. */
  idleUnloadMs: number;
  compactAfterUpdates: number;
  awarenessBatchMs: number;
  /** The plan as stored: its template's sections decide what its document may hold. */
  planOf(planId: string): Promise<Plan | undefined>;
  maxPlanBytes: number;
  maxPresenceClients: number;
  /**
   * Among several processes: sends what a reader wrote into a plan another process owns to that
   * process, resolving once it is stored there.
   */
  editElsewhere?(holder: Holder, planId: string, update: Uint8Array, origin: ServerEdit | null): Promise<void>;
}

/** The plans loaded in this process; a plan nobody has open is unloaded after a while. */
export class RoomRegistry {
  private readonly rooms = new Map<string, PlanRoom>();
  /** Plans being read from the store: everyone who asks for one meanwhile waits on one load. */
  private readonly loading = new Map<string, Promise<PlanRoom>>();
  private stopping = false;
  private readonly unloadTimers = new Map<string, NodeJS.Timeout>();
  private readonly extensions: RoomExtension[] = [];
  private readonly detachers = new Map<PlanRoom, (() => void)[]>();
  private readonly peersBySession = new Map<string, Set<Peer>>();

  constructor(
    private readonly store: DocStore,
    private readonly options: RoomRegistryOptions,
    private readonly events: EventBus = new InProcessEventBus(),
  ) {
    events.subscribe("plan-event", ({ planId, event }) => this.rooms.get(planId)?.publish(event));
  }

  /** Whether the plan is loaded here, or being loaded. */
  isOpen(planId: string): boolean {
    return this.rooms.has(planId) || this.loading.has(planId);
  }

  isLoaded(planId: string): boolean {
    return this.rooms.has(planId);
  }

  /**
   * Adds a peer to the plan, loading it if needed. The first peer of a plan that is not loaded
   * is sent the stored state as it comes off the disk, before the document is built from it:
   * building a large plan takes hundreds of milliseconds, reading it a few.
   */
  async join(planId: string, peer: Peer): Promise<PlanRoom> {
    const room = await this.load(planId, (stored) => peer.send(syncUpdateMessage(stored.state)));
    this.cancelUnload(planId);
    room.join(peer);
    if (peer.sessionHash) {
      const peers = this.peersBySession.get(peer.sessionHash) ?? new Set();
      this.peersBySession.set(peer.sessionHash, peers.add(peer));
    }
    return room;
  }

  leave(room: PlanRoom, peer: Peer): void {
    room.leave(peer);
    const sessionPeers = peer.sessionHash ? this.peersBySession.get(peer.sessionHash) : undefined;
    if (sessionPeers?.delete(peer) && sessionPeers.size === 0) this.peersBySession.delete(peer.sessionHash!);
    if (room.peerCount === 0 && this.rooms.get(room.planId) === room) {
      this.scheduleUnload(room);
    }
  }

  /** Adds a feature to every plan loaded from now on. */
  use(extension: RoomExtension): void {
    this.extensions.push(extension);
  }

  /**
   * Publishes a plan event on the event bus: the plan's subscribed clients are sent it (where it
   * is loaded), and every other listener of plan events is told.
   */
  publish(planId: string, event: PlanEvent): void {
    this.events.publish({ type: "plan-event", planId, event });
  }

  /** Applies a membership change to the plan's open connections, if it is loaded. */
  updateAccess(planId: string, userId: string, role: Role | null): void {
    this.rooms.get(planId)?.updateAccess(userId, role);
  }

  /**
   * Checks the user's open connections on every loaded plan against `roleOf` (their access now):
   * those who lost it are closed with `closing`, the rest made read-only or writable.
   */
  async recheckAccess(
    userId: string,
    roleOf: (planId: string) => Promise<Role | null>,
    closing: { code: number; reason: string },
  ): Promise<void> {
    for (const [planId, room] of [...this.rooms]) {
      if (!room.hasUser(userId)) continue;
      const role = await roleOf(planId);
      // The plan may have been unloaded, or the user left it, while their access was read.
      if (this.rooms.get(planId) === room && room.hasUser(userId)) room.updateAccess(userId, role, closing);
    }
  }

  /** Closes every connection opened with a session that has just ended. */
  closeSession(sessionHash: string): void {
    for (const peer of [...(this.peersBySession.get(sessionHash) ?? [])]) peer.close(CloseCode.SignedOut, "signed out");
  }

  /**
   * Calls `read` with the plan's document at its room's next cut, and gives its result once
   * that cut's batch is stored (`PlanRoom.read`), loading the plan if it is not loaded: whoever
   * reads a plan (its page, an export) is usually about to open it, and a plan nobody joins is
   * unloaded after the idle delay like one everybody left.
   */
  async read<T>(planId: string, read: (doc: Y.Doc) => T): Promise<T> {
    let room: PlanRoom;
    try {
      room = await this.load(planId);
    } catch (error) {
      if (error instanceof PlanHeldElsewhere) return this.readElsewhere(planId, error.holder, read);
      throw error;
    }
    if (room.peerCount === 0) this.scheduleUnload(room);
    return room.read(read);
  }

  /**
   * Reads a plan another process owns from what is stored, which holds everything anyone has
   * been sent; what `read` writes is sent to the owner, and the result given once it is stored.
   */
  private async readElsewhere<T>(planId: string, holder: Holder, read: (doc: Y.Doc) => T): Promise<T> {
    const doc = await this.storedCopy(planId);
    const edits: Uint8Array[] = [];
    let origin: ServerEdit | null = null;
    doc.on("update", (update: Uint8Array, by: unknown) => {
      edits.push(update);
      if (by instanceof ServerEdit) origin ??= by;
    });
    try {
      const result = read(doc);
      if (edits.length > 0) {
        if (!this.options.editElsewhere) throw new Error(`plan ${planId} is owned elsewhere and cannot be edited here`);
        await this.options.editElsewhere(holder, planId, Y.mergeUpdates(edits), origin);
      }
      return result;
    } finally {
      doc.destroy();
    }
  }

  private async storedCopy(planId: string): Promise<Y.Doc> {
    const stored = await (this.store.peek ?? this.store.load).call(this.store, planId);
    const doc = new Y.Doc({ gc: true });
    Y.applyUpdate(doc, stored.state);
    return doc;
  }

  /**
   * Closes the plan here without storing anything more: its lease was lost, and another process
   * serves it now. Its connections are told to reconnect, and land there.
   */
  relinquish(planId: string): void {
    this.cancelUnload(planId);
    const room = this.rooms.get(planId);
    if (!room) return;
    this.forget(room);
    room.destroy(CloseCode.ServiceRestart, "this plan moved to another server; reconnect");
  }

  /**
   * Like `read`, but a plan that is not loaded stays so: it is read from the store into a
   * document of its own, thrown away after. For views across many plans, where loading each
   * one (with its features) would cost more than reading it.
   */
  async peek<T>(planId: string, read: (doc: Y.Doc) => T): Promise<T> {
    const room = this.rooms.get(planId);
    if (room && !room.isBroken()) return room.read(read);
    const doc = await this.storedCopy(planId);
    try {
      return read(doc);
    } finally {
      doc.destroy();
    }
  }

  /** Closes a deleted plan's connections and drops its document without storing anything. */
  discard(planId: string): void {
    this.cancelUnload(planId);
    this.loading.delete(planId);
    const room = this.rooms.get(planId);
    if (!room) return;
    this.forget(room);
    room.destroy(CloseCode.AccessRevoked, "plan deleted");
  }

  /**
   * Stores a snapshot of every loaded plan and closes all their connections; resolves once every
   * snapshot is stored and no batch is being written, so the database can be closed after.
   */
  async closeAll(): Promise<void> {
    this.stopping = true;
    for (const timer of this.unloadTimers.values()) clearTimeout(timer);
    this.unloadTimers.clear();
    await Promise.allSettled([...this.loading.values()]);
    await Promise.all(
      [...this.rooms.values()].map((room) => this.unload(room, CloseCode.ServiceRestart, "server restarting")),
    );
  }

  /** The plan's room, loading it (once, however many ask meanwhile) if it is not loaded. */
  private load(planId: string, onStored?: (stored: StoredDoc) => void): Promise<PlanRoom> {
    const existing = this.rooms.get(planId);
    if (existing && !existing.isBroken()) return Promise.resolve(existing);
    if (existing) this.forget(existing);
    const loading = this.loading.get(planId);
    if (loading) return loading;
    const opening: Promise<PlanRoom> = this.open(planId, () => this.loading.get(planId) === opening, onStored).finally(
      () => {
        if (this.loading.get(planId) === opening) this.loading.delete(planId);
      },
    );
    this.loading.set(planId, opening);
    return opening;
  }

  private async open(
    planId: string,
    stillWanted: () => boolean,
    onStored?: (stored: StoredDoc) => void,
  ): Promise<PlanRoom> {
    if (this.stopping) throw new Error("the server is stopping");
    const stored = await this.store.load(planId);
    const plan = await this.options.planOf(planId);
    if (this.stopping) throw new Error("the server is stopping");
    if (!stillWanted()) throw new Error(`plan ${planId} was deleted while it was being opened`);
    onStored?.(stored);
    const room = new PlanRoom(planId, stored, this.store, {
      compactAfterUpdates: this.options.compactAfterUpdates,
      awarenessBatchMs: this.options.awarenessBatchMs,
      currentEvents: async () => {
        const current = await this.options.planOf(planId);
        if (!current) return [];
        const events = await Promise.all(this.extensions.map((extension) => extension.currentEvents?.(current) ?? []));
        return events.flat();
      },
      rules: documentRules(plan?.template.sections ?? []),
      maxPlanBytes: this.options.maxPlanBytes,
      maxPresenceClients: this.options.maxPresenceClients,
    });
    this.rooms.set(planId, room);
    // A feature that fails on a plan (a spoiled one, say) is logged; the plan still opens.
    const detachers: (() => void)[] = [];
    for (const extension of this.extensions) {
      if (!extension.attach || !plan) continue;
      const attach = extension.attach.bind(extension);
      guarded(`attaching ${extension.constructor.name} to plan ${planId}`, () => {
        const detach = attach(room, plan);
        if (detach) detachers.push(guarded(`detaching ${extension.constructor.name} from plan ${planId}`, detach));
      })();
    }
    this.detachers.set(room, detachers);
    return room;
  }

  private scheduleUnload(room: PlanRoom): void {
    this.cancelUnload(room.planId);
    const timer = setTimeout(
      guarded(`unloading plan ${room.planId}`, () => {
        this.unloadTimers.delete(room.planId);
        if (room.peerCount > 0) return;
        void this.unload(room, CloseCode.GoingAway, "plan unloaded", true).then(
          (unloaded) => {
            if (!unloaded) return;
            logger.info(
              { planId: room.planId },
              `plan ${room.planId} unloaded after ${this.options.idleUnloadMs / 1000} s with no connection`,
            );
          },
          (error: unknown) =>
            logger.error({ err: error, planId: room.planId }, `failed while unloading plan ${room.planId}`),
        );
      }),
      this.options.idleUnloadMs,
    );
    timer.unref();
    this.unloadTimers.set(room.planId, timer);
  }

  private cancelUnload(planId: string): void {
    const timer = this.unloadTimers.get(planId);
    if (timer) clearTimeout(timer);
    this.unloadTimers.delete(planId);
  }

  /**
   * Compacts the plan, then closes it and waits for any batch still being stored. When `ifIdle`,
   * a plan someone joined or read while it was compacting stays loaded (false).
   */
  private async unload(room: PlanRoom, code: number, reason: string, ifIdle = false): Promise<boolean> {
    await room.compact();
    if (ifIdle && (room.peerCount > 0 || this.unloadTimers.has(room.planId))) return false;
    this.forget(room);
    room.destroy(code, reason);
    await room.settled();
    // Someone may have opened the plan again meanwhile: its new room keeps the plan here.
    if (!this.rooms.has(room.planId) && !this.loading.has(room.planId)) await this.store.unloaded?.(room.planId);
    return true;
  }

  private forget(room: PlanRoom): void {
    if (this.rooms.get(room.planId) === room) this.rooms.delete(room.planId);
    for (const detach of this.detachers.get(room) ?? []) detach();
    this.detachers.delete(room);
  }
}
