import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import type { WebsocketProvider } from "y-websocket";
import type { PresenceUser } from "./usePlanConnection";

/** A table cell, as named in presence: section, row id and field. */
export const cellId = (sectionKey: string, rowId: string, field: string) => `${sectionKey}/${rowId}/${field}`;

interface CellPresenceValue {
  /** Who else is in each cell now (the person's own tabs are left out). */
  others: ReadonlyMap<string, PresenceUser[]>;
  setMine(cell: string | null): void;
  /** Who a Yjs client (a page) belongs to: "me", their name, or null once they have left. */
  writer(clientId: number): "me" | string | null;
}

const CellPresenceContext = createContext<CellPresenceValue>({
  others: new Map(),
  setMine: () => {},
  writer: () => null,
});

/**
 * Which table cell each person is in, carried in presence as `cell`, so that two people about
 * to type into one cell see each other first.
 */
export function CellPresenceProvider({
  provider,
  meId,
  children,
}: {
  provider: WebsocketProvider | undefined;
  meId: string;
  children: ReactNode;
}) {
  const [others, setOthers] = useState<ReadonlyMap<string, PresenceUser[]>>(new Map());
  useEffect(() => {
    if (!provider) return;
    let signature = "";
    const update = () => {
      const byCell = new Map<string, PresenceUser[]>();
      for (const [clientId, state] of provider.awareness.getStates()) {
        if (clientId === provider.awareness.clientID) continue;
        const { cell, user } = state as { cell?: unknown; user?: Partial<PresenceUser> };
        if (typeof cell !== "string" || !user?.id || user.id === meId || !user.name) continue;
        const list = byCell.get(cell) ?? [];
        if (!list.some((person) => person.id === user.id)) {
          list.push({
            id: user.id,
            name: user.name,
            organisation: user.organisation ?? "",
            color: user.color ?? "#505a5f",
          });
        }
        byCell.set(cell, list);
      }
      // Cursor moves in the narratives change presence many times a second; the tables only
      // re-render when someone enters or leaves a cell.
      const next = JSON.stringify([...byCell].map(([cell, people]) => [cell, people.map((person) => person.id)]));
      if (next === signature) return;
      signature = next;
      setOthers(byCell);
    };
    update();
    provider.awareness.on("change", update);
    return () => provider.awareness.off("change", update);
  }, [provider, meId]);
  const value = useMemo<CellPresenceValue>(
    () => ({
      others,
      setMine: (cell) => {
        if (provider && provider.awareness.getLocalState()?.cell !== cell) {
          provider.awareness.setLocalStateField("cell", cell);
        }
      },
      writer: (clientId) => {
        const user = (provider?.awareness.getStates().get(clientId) as { user?: Partial<PresenceUser> } | undefined)
          ?.user;
        if (clientId === provider?.awareness.clientID || user?.id === meId) return "me";
        return typeof user?.name === "string" ? user.name : null;
      },
    }),
    [others, provider, meId],
  );
  return <CellPresenceContext.Provider value={value}>{children}</CellPresenceContext.Provider>;
}

/** The people in this cell, and focus handlers that announce this person entering and leaving. */
export function useCellPresence(cell: string) {
  const { others, setMine } = useContext(CellPresenceContext);
  return {
    people: others.get(cell) ?? [],
    onFocus: () => setMine(cell),
    onBlur: () => setMine(null),
  };
}

/** Who wrote what into the plan's cells: see useOverwriteNotice. */
export function useCellWriter() {
  return useContext(CellPresenceContext).writer;
}
