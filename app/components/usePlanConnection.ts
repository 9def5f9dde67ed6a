import { useEffect, useState } from "react";
import { IndexeddbPersistence } from "y-indexeddb";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { dropUnreadablePresence } from "~/shared/presence-state";
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

/**
 * One Y.Doc and one WebSocket per open plan, shared by every section's editor, with a copy in
 * the browser's IndexedDB: edits made offline survive a reload and are sent when the
 * connection is back. Created in an effect, so only in the browser.
 */
export function usePlanConnection(planId: string, me: PresenceUser) {
  const [connection, setConnection] = useState<PlanConnection | null>(null);
  const [status, setStatus] = useState<ConnectionStatus>("connecting");
  const [synced, setSynced] = useState(false);
  const [storedLocally, setStoredLocally] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    const doc = new Y.Doc();
    // Per plan and per person, so two people sharing a browser never mix their copies.
    const local = new IndexeddbPersistence(`coplan:${planId}:${me.id}`, doc);
    local.once("synced", () => setStoredLocally(true));
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
      if (status === "connected") setStatus("connected");
      if (status === "disconnected") setStatus("offline");
    });
    const markOffline = () => {
      if (!provider.wsconnected) setStatus("offline");
    };
    provider.on("connection-error", markOffline);
    // A socket on a network that has gone away stays "open" until the provider's 30 s silence
    // check, and typing meanwhile reaches nobody: the browser's own word is quicker. Closing
    // the socket makes the provider reconnect (and resync) once the network is back.
    const networkLost = () => {
      setStatus("offline");
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
        setStatus("refused");
        setProblem(`${event.reason || "The server refused a change"}. Reload the page to go on from the saved plan.`);
        return;
      }
      if (event && ACCESS_ENDED[event.code]) {
        provider.disconnect();
        setStatus("closed");
        setProblem(`${ACCESS_ENDED[event.code]}.`);
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
      setSynced(isSynced);
      if (isSynced) stopRecording ??= recordWrites(doc);
    });
    setConnection({ doc, provider });
    return () => {
      stopRecording?.();
      clearTimeout(retry);
      window.removeEventListener("offline", networkLost);
      window.removeEventListener("online", networkBack);
      provider.destroy();
      void local.destroy();
      doc.destroy();
      setConnection(null);
    };
    // One connection per plan and person: a new presence record for the same person (a
    // re-render) must not tear the document down and reconnect.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [planId, me.id]);

  /** The plan's content is in: from the server, or (offline) from this device's copy. */
  const contentIn = synced || (storedLocally && status !== "connecting" && status !== "connected");
  return { connection, status, synced, contentIn, problem };
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
      setPeople([...byId.values()].sort((a, b) => a.name.localeCompare(b.name)));
    };
    update();
    provider.awareness.on("change", update);
    return () => provider.awareness.off("change", update);
  }, [provider]);
  return people;
}
