import { getSchema } from "@tiptap/core";
import * as Y from "yjs";
import { sectionDataName, sectionFragmentName } from "../../app/shared/doc-names";
import { richTextExtensions } from "../../app/shared/editor-extensions";
import { CloseCode } from "./close-codes.server";
import { ProtocolError, Refused } from "./errors.server";
import { COLLAB_LIMITS } from "../limits.server";
import type { SharedType } from "../../app/shared/yjs-types";

const schema = getSchema(richTextExtensions);
/** `doc` and `text` are ProseMirror's own; y-prosemirror never makes elements of them. */
const ELEMENT_NAMES = new Set(Object.keys(schema.nodes).filter((name) => name !== "doc" && name !== "text"));
const MARK_NAMES = new Set(Object.keys(schema.marks));

export interface DocumentRules {
  sectionKeys: ReadonlySet<string>;
  maxUpdateBytes: number;
  maxElementDepth: number;
  maxDataDepth: number;
  maxValueDepth: number;
}

export function documentRules(sectionKeys: Iterable<string>): DocumentRules {
  return {
    sectionKeys: new Set(sectionKeys),
    maxUpdateBytes: COLLAB_LIMITS.maxUpdateBytes,
    maxElementDepth: COLLAB_LIMITS.maxElementDepth,
    maxDataDepth: COLLAB_LIMITS.maxDataDepth,
    maxValueDepth: COLLAB_LIMITS.maxValueDepth,
  };
}

/**
 * Where a type sits: in a section's rich text (a fragment, element or text) or its structured
 * part (a map, array or text), how deep, or nowhere content can land (a deleted or collected
 * parent, whose new children Yjs drops).
 */
type Place =
  | { tree: "rich"; kind: "fragment" | "element" | "text"; depth: number }
  | { tree: "data"; kind: "map" | "array" | "text"; depth: number }
  | { tree: "gone" };

interface Parent {
  place: Place;
  sub: string | null;
}

const GONE: Place = { tree: "gone" };

type Content = Y.Item["content"];

export interface UpdateSummary {
  /** Whether the update adds content, rather than only deleting. */
  adds: boolean;
  /**
   * False when it builds on changes of its own client the server has not had yet: after a
   * reconnect the stock provider may send a keystroke before its reply to the server's sync
   * step 1, which carries those changes. Such an update is not applied (Yjs would hold it back
   * unchecked); the reply brings it again, whole.
   */
  complete: boolean;
}

/** Thrown inside the check when an item builds on changes the server does not have. */
class MissingChanges extends Error {}

/**
 * Checks an update against the plan's document schema before it touches the live document:
 * only the plan's own section roots, element and mark names the editor's schema knows, nesting
 * no deeper than the editor makes, plain values. It reads the update's structs and, for those
 * placed next to or inside existing content, where that content is in `doc`; nothing is
 * applied. Throws `Refused` naming the first fault; the update is then refused whole.
 */
export function checkUpdate(doc: Y.Doc, update: Uint8Array, rules: DocumentRules): UpdateSummary {
  if (update.byteLength > rules.maxUpdateBytes) {
    throw new Refused(
      CloseCode.TooLarge,
      `change too large (${mib(update.byteLength)}; the limit is ${mib(rules.maxUpdateBytes)})`,
    );
  }
  let structs: ReturnType<typeof Y.decodeUpdate>["structs"];
  try {
    structs = Y.decodeUpdate(update).structs;
  } catch {
    throw new ProtocolError("malformed document update");
  }
  const items = structs.filter((struct): struct is Y.Item => struct instanceof Y.Item);
  try {
    const checker = new UpdateChecker(doc, structs, rules);
    for (const item of items) checker.check(item);
  } catch (error) {
    // Bytes that decode but do not hold together (a cut update, say) fail in here.
    if (error instanceof Refused) throw error;
    if (error instanceof MissingChanges) return { adds: false, complete: false };
    throw new ProtocolError("malformed document update");
  }
  return { adds: items.some((item) => !(item.content instanceof Y.ContentDeleted)), complete: true };
}

class UpdateChecker {
  private readonly byClient = new Map<number, Y.Item[]>();
  private readonly parents = new Map<Y.Item, Parent>();
  private rootNames: Map<SharedType, string> | null = null;

  constructor(
    private readonly doc: Y.Doc,
    structs: ReturnType<typeof Y.decodeUpdate>["structs"],
    private readonly rules: DocumentRules,
  ) {
    // A GC struct (content its own client has already deleted and collected) fills its clocks
    // like an item; only a Skip is a gap.
    const filled = new Map<number, (Y.Item | Y.GC)[]>();
    for (const struct of structs) {
      if (struct instanceof Y.Skip) continue;
      const client = struct.id.client;
      const structsOfClient = filled.get(client) ?? [];
      structsOfClient.push(struct);
      filled.set(client, structsOfClient);
      if (struct instanceof Y.Item) {
        const list = this.byClient.get(client) ?? [];
        list.push(struct);
        this.byClient.set(client, list);
      }
    }
    for (const list of this.byClient.values()) list.sort((a, b) => a.id.clock - b.id.clock);
    for (const [client, list] of filled) {
      list.sort((a, b) => a.id.clock - b.id.clock);
      // Yjs would hold structs after a gap back until it is filled, unchecked.
      let covered = Y.getState(doc.store, client);
      for (const struct of list) {
        if (struct.id.clock > covered) throw new MissingChanges();
        covered = Math.max(covered, struct.id.clock + struct.length);
      }
    }
  }

  check(item: Y.Item): void {
    // Already in the document (a client resending what the server has): Yjs skips it.
    if (item.id.clock + item.length <= Y.getState(this.doc.store, item.id.client)) return;
    const { place, sub } = this.parentOf(item);
    const content = item.content;
    if (place.tree === "gone" || content instanceof Y.ContentDeleted) return;
    if (place.tree === "rich") return this.checkRich(place, sub, content);
    return this.checkData(place, sub, content);
  }

  private checkRich(place: Extract<Place, { tree: "rich" }>, sub: string | null, content: Content): void {
    if (sub !== null) {
      if (place.kind !== "element") throw refused("an attribute outside an element");
      return this.checkValues(content, "an element attribute");
    }
    if (place.kind === "text") {
      if (content instanceof Y.ContentString) return;
      if (content instanceof Y.ContentFormat) {
        const mark = content.key.split("--")[0]!;
        if (!MARK_NAMES.has(mark)) throw refused(`unknown formatting "${short(mark)}"`);
        if (!withinDepth(content.value, this.rules.maxValueDepth)) throw refused("formatting nested too deeply");
        return;
      }
      throw refused("text holding something other than text");
    }
    if (!(content instanceof Y.ContentType)) throw refused("loose content in rich text");
    const type = content.type;
    if (type instanceof Y.XmlElement) {
      if (!ELEMENT_NAMES.has(type.nodeName)) throw refused(`unknown element "${short(type.nodeName)}"`);
      if (place.depth + 1 > this.rules.maxElementDepth) {
        throw refused(`rich text nested deeper than ${this.rules.maxElementDepth} levels`);
      }
      return;
    }
    if (type instanceof Y.XmlText && place.kind === "element") return;
    throw refused("rich text holding an unknown kind of content");
  }

  private checkData(place: Extract<Place, { tree: "data" }>, sub: string | null, content: Content): void {
    if (place.kind === "text") {
      if (sub === null && (content instanceof Y.ContentString || content instanceof Y.ContentFormat)) {
        if (content instanceof Y.ContentFormat && !withinDepth(content.value, this.rules.maxValueDepth)) {
          throw refused("formatting nested too deeply");
        }
        return;
      }
      throw refused("a table cell holding something other than text");
    }
    if ((place.kind === "map") !== (sub !== null)) throw refused("a table entry in the wrong shape");
    if (content instanceof Y.ContentType) {
      const type = content.type;
      const shared = type instanceof Y.Map || type instanceof Y.Array || type instanceof Y.Text;
      if (!shared || type instanceof Y.XmlHook || type instanceof Y.XmlText) {
        throw refused("a table holding an unknown kind of content");
      }
      if (place.depth + 1 > this.rules.maxDataDepth) throw refused("table data nested too deeply");
      return;
    }
    this.checkValues(content, "a table value");
  }

  private checkValues(content: Content, what: string): void {
    if (!(content instanceof Y.ContentAny)) throw refused(`${what} that is not a plain value`);
    for (const value of content.arr) {
      if (!withinDepth(value, this.rules.maxValueDepth)) throw refused(`${what} nested too deeply`);
    }
  }

  /**
   * The type an item goes into, and its key if it is a map entry. An item names its parent,
   * or leaves it to be the parent of its left or right neighbour; either may be in this
   * update or already in the document. Followed with a loop, not recursion: an update can
   * chain any number of items.
   */
  private parentOf(start: Y.Item): Parent {
    const chain: Y.Item[] = [];
    const visiting = new Set<Y.Item>([start]);
    let current = start;
    let found: Parent | undefined;
    while (found === undefined) {
      const known = this.parents.get(current);
      if (known) {
        found = known;
        break;
      }
      const step = this.dependency(current);
      if ("parent" in step) {
        found = step.parent;
        this.parents.set(current, found);
        break;
      }
      chain.push(current);
      if (visiting.has(step.next)) throw refused("a change that refers to itself");
      visiting.add(step.next);
      current = step.next;
    }
    for (let i = chain.length - 1; i >= 0; i--) {
      const item = chain[i]!;
      const next = i === chain.length - 1 ? current : chain[i + 1]!;
      found = this.derive(item, next, found);
      this.parents.set(item, found);
    }
    return found;
  }

  /** What an item's parent depends on: known at once, or another item of this update. */
  private dependency(item: Y.Item): { parent: Parent } | { next: Y.Item } {
    if (typeof item.parent === "string") return { parent: { place: this.rootPlace(item.parent), sub: item.parentSub } };
    if (item.parent !== null) {
      const id = item.parent as unknown as Y.ID;
      const inUpdate = this.updateItem(id);
      if (inUpdate) {
        if (inUpdate.id.clock !== id.clock || !(inUpdate.content instanceof Y.ContentType)) {
          throw refused("content inside something that is not a container");
        }
        return { next: inUpdate };
      }
      return { parent: { place: this.liveTypePlace(id), sub: item.parentSub } };
    }
    const neighbour = item.origin ?? item.rightOrigin;
    if (!neighbour) throw refused("content with no place in the document");
    const inUpdate = this.updateItem(neighbour);
    if (inUpdate) return { next: inUpdate };
    return { parent: this.liveNeighbourParent(neighbour) };
  }

  /** The parent of `item` once that of `next`, the item it depends on, is known. */
  private derive(item: Y.Item, next: Y.Item, nextParent: Parent): Parent {
    if (item.parent === null) return nextParent;
    const type = (next.content as Y.ContentType).type;
    return { place: childPlace(nextParent.place, type), sub: item.parentSub };
  }

  private rootPlace(name: string): Place {
    const [prefix, key] = splitRootName(name);
    if (key !== null && this.rules.sectionKeys.has(key)) {
      if (prefix === "section") return { tree: "rich", kind: "fragment", depth: 0 };
      if (prefix === "data") return { tree: "data", kind: "map", depth: 0 };
    }
    throw refused(`unknown part "${short(name)}"`);
  }

  private liveTypePlace(id: Y.ID): Place {
    const struct = this.liveStruct(id);
    if (!(struct instanceof Y.Item) || struct.deleted) return GONE;
    if (!(struct.content instanceof Y.ContentType)) throw refused("content inside something that is not a container");
    return this.placeOfLiveType(struct.content.type);
  }

  private liveNeighbourParent(id: Y.ID): Parent {
    const struct = this.liveStruct(id);
    if (!(struct instanceof Y.Item) || !(struct.parent instanceof Y.AbstractType)) return { place: GONE, sub: null };
    return { place: this.placeOfLiveType(struct.parent), sub: struct.parentSub };
  }

  private liveStruct(id: Y.ID): Y.Item | Y.GC {
    if (id.clock >= Y.getState(this.doc.store, id.client)) throw new MissingChanges();
    return Y.getItem(this.doc.store, id) as Y.Item | Y.GC;
  }

  /** Where a type of the live document sits; a spoiled document may nest without bound. */
  private placeOfLiveType(type: SharedType): Place {
    if (type._item?.deleted) return GONE;
    const ceiling = Math.max(this.rules.maxElementDepth, this.rules.maxDataDepth) + 1;
    let depth = 0;
    let root = type;
    while (root._item !== null) {
      const parent = root._item.parent;
      if (!(parent instanceof Y.AbstractType)) return GONE;
      root = parent;
      if (++depth > ceiling) throw refused("an addition inside content nested too deeply");
    }
    this.rootNames ??= new Map([...this.doc.share].map(([name, shared]) => [shared, name]));
    const name = this.rootNames.get(root);
    if (name === undefined) return GONE;
    let place = this.rootPlace(name);
    if (depth === 0) return place;
    place = { ...place, depth } as Place;
    return withKind(place, type);
  }

  private updateItem(id: Y.ID): Y.Item | undefined {
    const list = this.byClient.get(id.client);
    if (!list) return undefined;
    let low = 0;
    let high = list.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const item = list[middle]!;
      if (id.clock < item.id.clock) high = middle - 1;
      else if (id.clock >= item.id.clock + item.length) low = middle + 1;
      else return item;
    }
    return undefined;
  }
}

function childPlace(parent: Place, type: SharedType): Place {
  if (parent.tree === "gone") return GONE;
  return withKind({ ...parent, depth: parent.depth + 1 } as Place, type);
}

/** The place of a nested type, of the kind it is (only kinds the checks allow get here). */
function withKind(place: Place, type: SharedType): Place {
  if (place.tree === "rich") return { ...place, kind: type instanceof Y.XmlText ? "text" : "element" };
  if (place.tree === "data")
    return { ...place, kind: type instanceof Y.Map ? "map" : type instanceof Y.Array ? "array" : "text" };
  return place;
}

function splitRootName(name: string): [string, string | null] {
  const colon = name.indexOf(":");
  if (colon < 0) return [name, null];
  const prefix = name.slice(0, colon);
  const key = name.slice(colon + 1);
  const expected = prefix === "section" ? sectionFragmentName(key) : sectionDataName(key);
  return expected === name ? [prefix, key] : [name, null];
}

/** Whether a plain value nests no deeper than `max` (a primitive is 0, `{a: 1}` is 1). */
function withinDepth(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (typeof current !== "object" || current === null || current instanceof Uint8Array) continue;
    if (depth + 1 > max) return false;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return true;
}

function refused(reason: string): Refused {
  return new Refused(CloseCode.UpdateRefused, `change refused: ${reason}`);
}

function short(name: string): string {
  return name.length > 40 ? `${name.slice(0, 40)}...` : name;
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
