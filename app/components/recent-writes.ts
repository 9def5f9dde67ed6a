import * as Y from "yjs";

/** The last write to one key of a shared map: whose Yjs client made it, when it arrived here, and its value. */
export interface Write {
  client: number;
  at: number;
  value: unknown;
}

const writesByMap = new WeakMap<Y.Map<unknown>, Map<string, Write>>();

/**
 * Keeps who last wrote each key of the plan's shared maps, from now on. A table cell's editors
 * may be built well after someone else's write reached the page (decision 0039), and a cell
 * that only started watching then could not tell that the next write replaced it.
 *
 * Start it once the plan's content is in, so the sync itself is not taken for writes made a
 * moment ago. The record is updated after the maps' own observers have run, so an observer
 * reads the write before the one it is told of.
 */
export function recordWrites(doc: Y.Doc): () => void {
  const record = (transaction: Y.Transaction) => {
    const at = Date.now();
    transaction.changed.forEach((keys, type) => {
      if (!(type instanceof Y.Map)) return;
      for (const key of keys) {
        const item = key === null ? undefined : type._map.get(key);
        if (!item) continue;
        let writes = writesByMap.get(type);
        if (!writes) writesByMap.set(type, (writes = new Map()));
        writes.set(key!, { client: item.id.client, at, value: type.get(key!) });
      }
    });
  };
  doc.on("afterTransaction", record);
  return () => doc.off("afterTransaction", record);
}

/** The last write to `key` of `map` seen since recording began, if any. */
export function lastWrite(map: Y.Map<unknown>, key: string): Write | undefined {
  return writesByMap.get(map)?.get(key);
}
