import { useEffect, useState } from "react";
import { IndexeddbPersistence } from "y-indexeddb";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";

export type ConnectionStatus = "connecting" | "connected" | "offline";

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

  useEffect(() => {
    const doc = new Y.Doc();
    // Per plan and per person, so two people sharing a browser never mix their copies.
    const local = new IndexeddbPersistence(`coplan:${planId}:${me.id}`, doc);
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    const provider = new WebsocketProvider(`${scheme}://${window.location.host}/collab`, planId, doc, {
      maxBackoffTime: 5000,
    });
    provider.awareness.setLocalStateField("user", me);
    // "connecting" is reported before every retry; once a connection has failed or dropped,
    // the page says offline until one succeeds.
    provider.on("status", ({ status }) => {
      if (status === "connected") setStatus("connected");
      if (status === "disconnected") setStatus("offline");
    });
    const markOffline = () => {
      if (!provider.wsconnected) setStatus("offline");
    };
    provider.on("connection-close", markOffline);
    provider.on("connection-error", markOffline);
    provider.on("sync", (isSynced: boolean) => setSynced(isSynced));
    setConnection({ doc, provider });
    return () => {
      provider.destroy();
      void local.destroy();
      doc.destroy();
      setConnection(null);
    };
  }, [planId, me.id]);

  return { connection, status, synced };
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
