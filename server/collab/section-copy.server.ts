import * as encoding from "lib0/encoding";
import * as Y from "yjs";
import type { SharedType } from "../../app/shared/yjs-types";
import { rootOf } from "./doc-roots.server";

/**
 * A copy of some of a document's roots, at the cost of those roots alone (decision 0045).
 *
 * Every struct of the document is written, so the copy has the same clocks for every client and
 * takes the document's later updates in order; but a struct outside the chosen roots is written
 * as a run of garbage (a GC struct, which carries only its length). Yjs drops anything later
 * written next to or inside garbage, so the other roots stay empty or hold scraps, and only the
 * chosen roots can be read from the copy. Items only ever name neighbours in their own list or
 * their own parent, which are in the same root, so the chosen roots come over whole.
 */
export function copyOfRoots(doc: Y.Doc, roots: Iterable<SharedType>): Y.Doc {
  const kept = new Map<number, Y.Item[]>();
  for (const root of roots) {
    forEachItem(root, (item) => {
      const items = kept.get(item.id.client);
      if (items) items.push(item);
      else kept.set(item.id.client, [item]);
    });
  }
  const encoder = new Y.UpdateEncoderV1();
  const clients = [...Y.decodeStateVector(Y.encodeStateVector(doc))].filter(([, clock]) => clock > 0);
  encoding.writeVarUint(encoder.restEncoder, clients.length);
  for (const [client, state] of clients) {
    const items = (kept.get(client) ?? []).sort((a, b) => a.id.clock - b.id.clock);
    const structs: (Y.Item | Y.GC)[] = [];
    let clock = 0;
    for (const item of items) {
      if (item.id.clock > clock) structs.push(new Y.GC(Y.createID(client, clock), item.id.clock - clock));
      structs.push(item);
      clock = item.id.clock + item.length;
    }
    if (state > clock) structs.push(new Y.GC(Y.createID(client, clock), state - clock));
    encoding.writeVarUint(encoder.restEncoder, structs.length);
    encoder.writeClient(client);
    encoding.writeVarUint(encoder.restEncoder, 0);
    for (const struct of structs) struct.write(encoder, 0);
  }
  writeDeletions(encoder, kept);
  const copy = new Y.Doc({ gc: true });
  Y.applyUpdate(copy, encoder.toUint8Array());
  return copy;
}

/** Calls `visit` for every item under `type`, deleted ones and earlier values of map keys too. */
function forEachItem(type: SharedType, visit: (item: Y.Item) => void): void {
  const walk = (item: Y.Item) => {
    visit(item);
    if (item.content instanceof Y.ContentType) forEachItem(item.content.type as SharedType, visit);
  };
  for (let item = type._start; item; item = item.right) walk(item);
  for (const newest of type._map.values()) {
    for (let item: Y.Item | null = newest; item; item = item.left) walk(item);
  }
}

/** The delete set of the kept items, in the version 1 format `Y.applyUpdate` reads. */
function writeDeletions(encoder: Y.UpdateEncoderV1, kept: Map<number, Y.Item[]>): void {
  const ranges = new Map<number, [clock: number, length: number][]>();
  for (const [client, items] of kept) {
    const runs: [number, number][] = [];
    for (const item of items) {
      if (!item.deleted) continue;
      const last = runs.at(-1);
      if (last && last[0] + last[1] === item.id.clock) last[1] += item.length;
      else runs.push([item.id.clock, item.length]);
    }
    if (runs.length > 0) ranges.set(client, runs);
  }
  encoding.writeVarUint(encoder.restEncoder, ranges.size);
  for (const [client, runs] of ranges) {
    encoding.writeVarUint(encoder.restEncoder, client);
    encoding.writeVarUint(encoder.restEncoder, runs.length);
    for (const [clock, length] of runs) {
      encoder.writeDsClock(clock);
      encoder.writeDsLen(length);
    }
  }
}

/** What an update writes into, as far as the document can tell. */
export interface RootsWritten {
  /** The document's roots the update adds to or deletes from. */
  roots: Set<SharedType>;
  /** Names of roots the document does not have yet, which the update would make. */
  newRootNames: Set<string>;
}

/**
 * The roots an update writes into, read from the update and the document it is for, at the
 * update's cost: each new item's root is its parent's or its neighbour's (in the document, or
 * earlier in the update), and each deletion's is the deleted item's, unless it was deleted already. A struct naming something
 * neither holds is left out: Yjs holds such an update back until what it names arrives.
 */
export function rootsWritten(doc: Y.Doc, update: Uint8Array): RootsWritten {
  const { structs, ds } = Y.decodeUpdate(update);
  const written: RootsWritten = { roots: new Set(), newRootNames: new Set() };
  const own = new Map<number, { clock: number; end: number; root: SharedType | string }[]>();
  const rootOfId = (id: Y.ID, asParent: boolean): SharedType | string | null => {
    if (id.clock < Y.getState(doc.store, id.client)) {
      const struct = Y.getItem(doc.store, id) as Y.Item | Y.GC;
      if (!(struct instanceof Y.Item)) return null;
      if (asParent) return struct.content instanceof Y.ContentType ? rootOf(struct.content.type as SharedType) : null;
      return struct.parent instanceof Y.AbstractType ? rootOf(struct.parent as SharedType) : null;
    }
    const runs = own.get(id.client) ?? [];
    // Newest first: an item most often names the one typed just before it.
    for (let i = runs.length - 1; i >= 0; i--) {
      if (runs[i]!.clock <= id.clock && id.clock < runs[i]!.end) return runs[i]!.root;
    }
    return null;
  };
  let pending = structs.filter((struct): struct is Y.Item => struct instanceof Y.Item);
  // Items name items before them in causal order, which the update does not keep across clients.
  while (pending.length > 0) {
    const unplaced: Y.Item[] = [];
    for (const item of pending) {
      const parent = item.parent as unknown;
      const root =
        typeof parent === "string"
          ? (doc.share.get(parent) ?? parent)
          : parent instanceof Y.ID
            ? rootOfId(parent, true)
            : [item.origin, item.rightOrigin].reduce<SharedType | string | null>(
                (found, id) => found ?? (id ? rootOfId(id, false) : null),
                null,
              );
      if (root === null) {
        unplaced.push(item);
        continue;
      }
      if (typeof root === "string") written.newRootNames.add(root);
      else written.roots.add(root);
      const runs = own.get(item.id.client) ?? [];
      runs.push({ clock: item.id.clock, end: item.id.clock + item.length, root });
      own.set(item.id.client, runs);
    }
    if (unplaced.length === pending.length) break;
    pending = unplaced;
  }
  for (const [client, deletions] of ds.clients) {
    const state = Y.getState(doc.store, client);
    for (const { clock, len } of deletions) {
      for (let at = clock; at < Math.min(clock + len, state);) {
        const struct = Y.getItem(doc.store, Y.createID(client, at)) as Y.Item | Y.GC;
        // A sync's update carries every deletion its sender knows of, most of them old news here.
        if (struct instanceof Y.Item && !struct.deleted && struct.parent instanceof Y.AbstractType) {
          written.roots.add(rootOf(struct.parent as SharedType));
        }
        at = struct.id.clock + struct.length;
      }
    }
  }
  return written;
}
