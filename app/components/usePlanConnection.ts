import { useEffect, useState } from "react";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";

export type ConnectionStatus = "connecting" | "connected" | "disconnected";

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
 * One Y.Doc and one WebSocket per open plan, shared by every section's editor. Created in an
 * effect, so only in the browser.
 */
export function usePlanConnection(planId: string, me: PresenceUser) {
  const [connection, setConnection] = useState<PlanConnection | null>(null);
  const [status, setStatus] = useState<ConnectionStatus>("connecting");
  const [synced, setSynced] = useState(false);

  useEffect(() => {
    const doc = new Y.Doc();
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    const provider = new WebsocketProvider(`${scheme}://${window.location.host}/collab`, planId, doc, {
      maxBackoffTime: 5000,
    });
    provider.awareness.setLocalStateField("user", me);
    provider.on("status", ({ status }) => setStatus(status));
    provider.on("sync", (isSynced: boolean) => setSynced(isSynced));
    setConnection({ doc, provider });
    return () => {
      provider.destroy();
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
