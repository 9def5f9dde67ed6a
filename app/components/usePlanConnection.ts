import { startTransition, useEffect, useState, useSyncExternalStore } from "react";
import { IndexeddbPersistence } from "y-indexeddb";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { dropUnreadablePresence } from "~/shared/presence-state";
import { whenPageIdle } from "./page-idle";
import { recordWrites } from "./recent-writes";

export type ConnectionStatus = "connecting" | "connected" | "offline" | "refused" | "closed";

/** Close codes that mean the server turned away a change: sending it again gets the same. */
const REFUSED = new Set([4400, 4413]);
/** Close codes that mean this person may no longer open the plan: removed, or their time as a deputy ended. */
const ACCESS_ENDED: Record<number, string> = {
  4403: "You no longer have access to this plan",
  4410: "Your time as a deputy has ended",
};
/** Close codes that mean the server is in trouble (1011) or busy (1013): come back slowly. */
const SERVER_TROUBLE = new Set([1011, 1013]);
const TROUBLE_RETRY_MS = { first: 1000, max: 30_000 };

export interface PlanConnection {
  doc: Y.Doc;
  provider: WebsocketProvider;
}

export interface PresenceUser {
  id: string;
  name: string;
  organisation: string;
  color: string;
}

/** The plan's connection as the page shows it. */
export interface PlanConnectionState {
  /** Null until the connection has something to show: the plan synced, offline, or refused. */
  connection: PlanConnection | null;
  status: ConnectionStatus;
  synced: boolean;
  /** The plan's content is in: from the server, or (offline) from this device's copy. */
  contentIn: boolean;
  /** That content came from this device's copy (offline), not from the server since the page was served. */
  contentFromDevice: boolean;
  problem: string | null;
}

/**
 * The plan's connection state for parts of the page that must not redraw on each change of it
 * (every section): they read it when they need it and subscribe to hear of changes.
 */
export interface PlanConnectionSource {
  current(): PlanConnectionState;
  subscribe(listener: () => void): () => void;
}

const NOT_YET: PlanConnectionState = {
  connection: null,
  status: "connecting",
  synced: false,
  contentIn: false,
  contentFromDevice: false,
  problem: null,
};

/** How long after the load event the plan's connection may wait for the page to be idle. */
const OPEN_WITHIN_MS = 1000;

/**
 * One Y.Doc and one WebSocket per open plan, shared by every section's editor, with a copy in
 * the browser's IndexedDB: edits made offline survive a reload and are sent when the
 * connection is back. Opened once the page has loaded, in idle time (the page is drawn from the
 * server's reading copy, which needs none of it), so that on a slow phone hydration and the
 * first paint do not wait for it.
 *
 * The page hears of the connection once it has something to show: the socket's opening is not
 * shown until its sync is in, so the connection, "Live" and the content arrive in one update.
 * The sections read the state from `source` and are not redrawn by it (decision 0044).
 */
export function usePlanConnection(
  planId: string,
  me: PresenceUser,
): PlanConnectionState & { source: PlanConnectionSource } {
  const [source] = useState(createSource);
  // A transition, so that React draws the page again in slices between which the browser can
  // answer input, not in one task (a store's update would be drawn at once).
  const [state, setState] = useState(NOT_YET);
  useEffect(() => source.subscribe(() => startTransition(() => setState(source.current()))), [source]);

  useEffect(() => {
    let close: (() => void) | undefined;
    const cancel = whenPageIdle(() => {
      close = openPlan(planId, me, source.update);
    }, OPEN_WITHIN_MS);
    return () => {
      cancel();
      close?.();
      source.update({ ...NOT_YET, storedLocally: false });
    };
    // One connection per plan and person: a new presence record for the same person (a
    // re-render) must not tear the document down and reconnect.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [planId, me.id]);

  return { ...state, source };
}

/** What the connection knows, some of which the page is not shown (`storedLocally`, an open socket not yet synced). */
interface Known {
  connection: PlanConnection | null;
  /** As the provider reports it; shown as connected once synced. */
  status: ConnectionStatus;
  synced: boolean;
  storedLocally: boolean;
  problem: string | null;
}

function createSource(): PlanConnectionSource & { update(change: Partial<Known>): void } {
  const listeners = new Set<() => void>();
  let known: Known = { ...NOT_YET, storedLocally: false };
  let shown = NOT_YET;
  return {
    current: () => shown,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    update(change) {
      known = { ...known, ...change };
      const next = show(known, shown);
      if (next === shown) return;
      shown = next;
      for (const listener of listeners) listener();
    },
  };
}

/** The state to show for what is known: the same object while nothing shown has changed. */
function show(known: Known, shown: PlanConnectionState): PlanConnectionState {
  // A socket open but not synced yet is shown as it was before (connecting, or offline while it
  // reconnects): "Live" comes with the content, in one redraw.
  const status = known.status === "connected" && !known.synced ? shown.status : known.status;
  const contentIn = known.synced || (known.storedLocally && status !== "connecting" && status !== "connected");
  const next: PlanConnectionState = {
    connection: status === "connecting" && !contentIn ? null : known.connection,
    status,
    synced: known.synced,
    contentIn,
    contentFromDevice: contentIn && !known.synced,
    problem: known.problem,
  };
  const same = (Object.keys(next) as (keyof PlanConnectionState)[]).every((key) => next[key] === shown[key]);
  return same ? shown : next;
}

/** Opens the plan's document, its IndexedDB copy and its socket; returns what closes them. */
function openPlan(planId: string, me: PresenceUser, update: (change: Partial<Known>) => void): () => void {
  const doc = new Y.Doc();
  // Per plan and per person, so two people sharing a browser never mix their copies.
  const local = new IndexeddbPersistence(`coplan:${planId}:${me.id}`, doc);
  local.once("synced", () => update({ storedLocally: true }));
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  const provider = new WebsocketProvider(`${scheme}://${window.location.host}/collab`, planId, doc, {
    maxBackoffTime: 5000,
  });
  provider.awareness.setLocalStateField("user", me);
  // Before the editors' cursor plugins read them (this listener is first): a state another
  // page sent may hold a cursor that would throw in them.
  provider.awareness.on("change", ({ added, updated }: { added: number[]; updated: number[] }) => {
    for (const clientId of [...added, ...updated]) {
      const state = provider.awareness.states.get(clientId);
      if (clientId !== doc.clientID && state) dropUnreadablePresence(state, doc);
    }
  });
  // "connecting" is reported before every retry; once a connection has failed or dropped,
  // the page says offline until one succeeds.
  provider.on("status", ({ status }) => {
    if (status === "connected") update({ status: "connected" });
    if (status === "disconnected") update({ status: "offline" });
  });
  const markOffline = () => {
    if (!provider.wsconnected) update({ status: "offline" });
  };
  provider.on("connection-error", markOffline);
  // A socket on a network that has gone away stays "open" until the provider's 30 s silence
  // check, and typing meanwhile reaches nobody: the browser's own word is quicker. Closing
  // the socket makes the provider reconnect (and resync) once the network is back.
  const networkLost = () => {
    update({ status: "offline" });
    provider.disconnect();
  };
  const networkBack = () => provider.connect();
  window.addEventListener("offline", networkLost);
  window.addEventListener("online", networkBack);
  if (!navigator.onLine) networkLost();
  // The provider reconnects 100 ms after any close of an open connection, so a change the
  // server refuses would be resent forever: stop, and drop this device's copy, which holds
  // it, so that a reload starts from the plan as the server keeps it.
  let retryMs = TROUBLE_RETRY_MS.first;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let openedAt = 0;
  provider.on("status", ({ status }) => {
    if (status === "connected") openedAt = Date.now();
  });
  provider.on("connection-close", (event: CloseEvent | null) => {
    markOffline();
    if (event && REFUSED.has(event.code)) {
      provider.disconnect();
      void local.clearData();
      update({
        status: "refused",
        problem: `${event.reason || "The server refused a change"}. Reload the page to go on from the saved plan.`,
      });
      return;
    }
    if (event && ACCESS_ENDED[event.code]) {
      provider.disconnect();
      update({ status: "closed", problem: `${ACCESS_ENDED[event.code]}.` });
      return;
    }
    if (event && SERVER_TROUBLE.has(event.code)) {
      if (Date.now() - openedAt > 10 * TROUBLE_RETRY_MS.first) retryMs = TROUBLE_RETRY_MS.first;
      provider.disconnect();
      clearTimeout(retry);
      retry = setTimeout(() => provider.connect(), retryMs);
      retryMs = Math.min(retryMs * 2, TROUBLE_RETRY_MS.max);
    }
  });
  let stopRecording: (() => void) | undefined;
  provider.on("sync", (isSynced: boolean) => {
    update({ synced: isSynced });
    if (isSynced) stopRecording ??= recordWrites(doc);
  });
  update({ connection: { doc, provider } });
  return () => {
    stopRecording?.();
    clearTimeout(retry);
    window.removeEventListener("offline", networkLost);
    window.removeEventListener("online", networkBack);
    provider.destroy();
    void local.destroy();
    doc.destroy();
  };
}

/**
 * The plan's connection while `wanted` (a section's editors are on the page, a dialog reads the
 * document), else null: a part that does not use it is not redrawn as it comes and changes.
 */
export function useConnectionWhile(source: PlanConnectionSource, wanted: boolean): PlanConnection | null {
  return useSyncExternalStore(
    source.subscribe,
    () => (wanted ? source.current().connection : null),
    () => null,
  );
}

/** Everyone with the plan open, once each however many tabs they have. */
export function usePresence(provider: WebsocketProvider | undefined): PresenceUser[] {
  const [people, setPeople] = useState<PresenceUser[]>([]);
  useEffect(() => {
    if (!provider) return;
    const update = () => {
      const byId = new Map<string, PresenceUser>();
      for (const state of provider.awareness.getStates().values()) {
        const user = (state as { user?: Partial<PresenceUser> }).user;
        if (user?.id && user.name) {
          byId.set(user.id, {
            id: user.id,
            name: user.name,
            organisation: user.organisation ?? "",
            color: user.color ?? "#505a5f",
          });
        }
      }
      const next = [...byId.values()].sort((a, b) => a.name.localeCompare(b.name));
      startTransition(() => setPeople(next));
    };
    update();
    provider.awareness.on("change", update);
    return () => provider.awareness.off("change", update);
  }, [provider]);
  return people;
}
