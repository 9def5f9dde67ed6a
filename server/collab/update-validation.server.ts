import { getSchema } from "@tiptap/core";
import * as Y from "yjs";
import { z } from "zod";
import { sectionDataName, sectionFragmentName } from "../../app/shared/doc-names";
import { richTextExtensions } from "../../app/shared/editor-extensions";
import { CloseCode } from "./close-codes.server";
import { ProtocolError, ProtocolRefusal } from "./errors.server";
import { COLLAB_LIMITS, TABLE_LIMITS } from "../limits.server";
import {
  amountSchema,
  dateSchema,
  rowFieldSpecs,
  rowIdSchema,
  rowTypeSchema,
  selectSchema,
  yearSchema,
  type FieldSpec,
} from "../../app/shared/table-values";
import type { SectionKind } from "../../app/shared/template-schema";
import type { SharedType } from "../../app/shared/yjs-types";

const schema = getSchema(richTextExtensions);
/** `doc` and `text` are ProseMirror's own; y-prosemirror never makes elements of them. */
const ELEMENT_NAMES = new Set(Object.keys(schema.nodes).filter((name) => name !== "doc" && name !== "text"));
const MARK_NAMES = new Set(Object.keys(schema.marks));
/**
 * Marks that may overlap themselves, which y-prosemirror stores under `<name>--<hash>` keys, so
 * a run may hold many of one. The editor's marks all exclude themselves (none is here today):
 * every other mark is stored under its own name, so a run holds at most one of each.
 */
const OVERLAPPING_MARKS = new Set(
  Object.values(schema.marks)
    .filter((mark) => !mark.excludes(mark))
    .map((mark) => mark.name),
);

export interface DocumentRules {
  sectionKeys: ReadonlySet<string>;
  /** Each section's kind, which says what its table (`data:<key>`) may hold. */
  sectionKinds: ReadonlyMap<string, SectionKind>;
  maxUpdateBytes: number;
  maxElementDepth: number;
  maxDataDepth: number;
  maxValueDepth: number;
  maxRowsPerSection: number;
  maxBudgetYears: number;
  maxCellChars: number;
  maxMarkAttributeBytes: number;
}

export function documentRules(sections: Iterable<{ key: string; kind: SectionKind }>): DocumentRules {
  const sectionKinds = new Map([...sections].map((section) => [section.key, section.kind]));
  return {
    sectionKeys: new Set(sectionKinds.keys()),
    sectionKinds,
    maxRowsPerSection: TABLE_LIMITS.maxRowsPerSection,
    maxBudgetYears: TABLE_LIMITS.maxBudgetYears,
    maxCellChars: TABLE_LIMITS.maxCellChars,
    maxMarkAttributeBytes: TABLE_LIMITS.maxMarkAttributeBytes,
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
type Place = { tree: "rich"; kind: "fragment" | "element" | "text"; depth: number } | DataPlace | { tree: "gone" };

/**
 * A type in a section's table: what it is in the table's schema (`role`), the section's kind,
 * and the type itself (`owner`: the live type, or the item of this update that makes it),
 * under which the rows and characters an update adds are counted.
 */
interface DataPlace {
  tree: "data";
  kind: "map" | "array" | "text";
  depth: number;
  role: "section" | "rows" | "years" | "row" | "amounts" | "cell" | "other";
  table: SectionKind;
  owner: unknown;
}

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
 * applied. Throws `ProtocolRefusal` naming the first fault; the update is then refused whole.
 */
export function checkUpdate(doc: Y.Doc, update: Uint8Array, rules: DocumentRules): UpdateSummary {
  if (update.byteLength > rules.maxUpdateBytes) {
    throw new ProtocolRefusal(
      CloseCode.TooLarge,
      `change too large (${mib(update.byteLength)}; the limit is ${mib(rules.maxUpdateBytes)})`,
    );
  }
  let decoded: ReturnType<typeof Y.decodeUpdate>;
  try {
    decoded = Y.decodeUpdate(update);
  } catch {
    throw new ProtocolError("malformed document update");
  }
  const structs = decoded.structs;
  const items = structs.filter((struct): struct is Y.Item => struct instanceof Y.Item);
  try {
    const checker = new UpdateChecker(doc, structs, rules);
    for (const item of items) checker.check(item);
    checker.checkCounts(decoded.ds);
  } catch (error) {
    // Bytes that decode but do not hold together (a cut update, say) fail in here.
    if (error instanceof ProtocolRefusal) throw error;
    if (error instanceof MissingChanges) return { adds: false, complete: false };
    throw new ProtocolError("malformed document update");
  }
  return { adds: items.some((item) => !(item.content instanceof Y.ContentDeleted)), complete: true };
}

class UpdateChecker {
  private readonly byClient = new Map<number, Y.Item[]>();
  private readonly parents = new Map<Y.Item, Parent>();
  private rootNames: Map<SharedType, string> | null = null;
  /** What this update adds to each table's rows, years and text cells: [place, count]. */
  private readonly added = new Map<unknown, { place: DataPlace; count: number }>();

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
      this.checkValues(content, "an element attribute");
      for (const value of (content as Y.ContentAny).arr) {
        if (jsonBytes(value) > this.rules.maxMarkAttributeBytes) throw refused("an element attribute too large");
      }
      return;
    }
    if (place.kind === "text") {
      if (content instanceof Y.ContentString) return;
      if (content instanceof Y.ContentFormat) return this.checkFormat(content);
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

  /**
   * A format item is one mark on a run: only marks the schema knows, each under its own name
   * (so a run holds at most one of each), with small plain attributes.
   */
  private checkFormat(content: Y.ContentFormat): void {
    const [mark, hash] = content.key.split("--");
    if (!MARK_NAMES.has(mark!)) throw refused(`unknown formatting "${short(mark!)}"`);
    if (hash !== undefined && !OVERLAPPING_MARKS.has(mark!))
      throw refused(`formatting "${short(content.key)}" repeated`);
    if (!withinDepth(content.value, this.rules.maxValueDepth)) throw refused("formatting nested too deeply");
    if (jsonBytes(content.value) > this.rules.maxMarkAttributeBytes) throw refused("formatting attributes too large");
  }

  /** A table's content against its schema: the section kind's fields, typed and bounded (decision 0026). */
  private checkData(place: DataPlace, sub: string | null, content: Content): void {
    if (place.kind === "text") {
      if (place.role === "cell" && sub === null && content instanceof Y.ContentString) {
        return this.count(place, content.getLength());
      }
      throw refused("a table cell holding something other than plain text");
    }
    if ((place.kind === "map") !== (sub !== null)) throw refused("a table entry in the wrong shape");
    if (content instanceof Y.ContentType) {
      const type = content.type;
      const shared = type instanceof Y.Map || type instanceof Y.Array || type instanceof Y.Text;
      if (!shared || type instanceof Y.XmlHook || type instanceof Y.XmlText) {
        throw refused("a table holding an unknown kind of content");
      }
      if (place.depth + 1 > this.rules.maxDataDepth) throw refused("table data nested too deeply");
      const role = childRole(place, sub, type);
      if (role === "other") throw refused(`${where(place, sub)} holding the wrong kind of content`);
      if (role === "cell" && this.fieldSpec(place, sub!).type !== "text") {
        throw refused(`${where(place, sub)} holding text where it takes a value`);
      }
      if (place.role === "rows") this.count(place, 1);
      return;
    }
    this.checkValues(content, "a table value");
    const values = (content as Y.ContentAny).arr;
    switch (place.role) {
      case "row": {
        const spec = this.fieldSpec(place, sub!);
        if (!fieldValueSchema(spec, this.rules).safeParse(values[0]).success) {
          throw refused(`${where(place, sub)}: ${describe(values[0])} is not ${EXPECTED[spec.type]}`);
        }
        return;
      }
      case "amounts":
        if (!yearSchema.safeParse(sub).success || !amountSchema.safeParse(values[0]).success) {
          throw refused(`a budget amount: ${describe(values[0])} is not ${EXPECTED.amounts}`);
        }
        return;
      case "years":
        for (const value of values) {
          if (!yearSchema.safeParse(value).success)
            throw refused(`a budget year: ${describe(value)} is not a year label`);
        }
        return this.count(place, values.length);
      case "rows":
        throw refused(`a row that is not a map with an id (${describe(values[0])})`);
      default:
        throw refused(`${where(place, sub)} holding a value where it takes a table`);
    }
  }

  private fieldSpec(place: DataPlace, name: string): FieldSpec {
    const spec = place.table === "text" ? undefined : rowFieldSpecs(place.table).get(name);
    if (!spec) throw refused(`unknown field "${short(name)}" in a ${place.table} row`);
    return spec;
  }

  private count(place: DataPlace, by: number): void {
    const entry = this.added.get(place.owner);
    if (entry) entry.count += by;
    else this.added.set(place.owner, { place, count: by });
  }

  /**
   * Rows per section, years per budget and characters per cell, as they will be once the
   * update is applied: what is there, plus what the update adds, less what it deletes (read
   * only when the sum is over the bound, so ordinary typing never walks the deletions).
   */
  checkCounts(deletes: ReturnType<typeof Y.decodeUpdate>["ds"]): void {
    for (const [owner, { place, count }] of this.added) {
      const limit =
        place.role === "rows"
          ? this.rules.maxRowsPerSection
          : place.role === "years"
            ? this.rules.maxBudgetYears
            : this.rules.maxCellChars;
      const live = owner instanceof Y.AbstractType ? (owner as Y.Array<unknown> | Y.Text).length : 0;
      if (live + count <= limit) continue;
      if (live + count - (live > 0 ? this.deletedFrom(owner as SharedType, deletes) : 0) <= limit) continue;
      const what =
        place.role === "rows"
          ? `${limit.toLocaleString("en-GB")} rows in a section`
          : place.role === "years"
            ? `${limit} years in a budget`
            : `${limit.toLocaleString("en-GB")} characters in a table cell`;
      throw refused(`more than ${what}`);
    }
  }

  /** How much of the live type's content the update's deletions take away. */
  private deletedFrom(owner: SharedType, deletes: ReturnType<typeof Y.decodeUpdate>["ds"]): number {
    let removed = 0;
    for (const [client, ranges] of deletes.clients) {
      const known = Y.getState(this.doc.store, client);
      for (const { clock, len } of ranges) {
        let at = clock;
        const end = Math.min(clock + len, known);
        while (at < end) {
          const struct = Y.getItem(this.doc.store, Y.createID(client, at)) as Y.Item | Y.GC;
          const next = struct.id.clock + struct.length;
          if (struct instanceof Y.Item && !struct.deleted && struct.parent === owner && struct.countable) {
            removed += Math.min(next, end) - Math.max(struct.id.clock, at);
          }
          at = next;
        }
      }
    }
    return removed;
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
    return { place: childPlace(nextParent.place, nextParent.sub, type, next), sub: item.parentSub };
  }

  private rootPlace(name: string): Place {
    const [prefix, key] = splitRootName(name);
    if (key !== null && this.rules.sectionKeys.has(key)) {
      if (prefix === "section") return { tree: "rich", kind: "fragment", depth: 0 };
      if (prefix === "data") {
        const table = this.rules.sectionKinds.get(key) ?? "text";
        return { tree: "data", kind: "map", depth: 0, role: "section", table, owner: name };
      }
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
    const path: SharedType[] = [];
    let root = type;
    while (root._item !== null) {
      const parent = root._item.parent;
      if (!(parent instanceof Y.AbstractType)) return GONE;
      path.push(root);
      root = parent;
      if (path.length > ceiling) throw refused("an addition inside content nested too deeply");
    }
    this.rootNames ??= new Map([...this.doc.share].map(([name, shared]) => [shared, name]));
    const name = this.rootNames.get(root);
    if (name === undefined) return GONE;
    let place = this.rootPlace(name);
    if (place.tree === "rich") {
      return path.length === 0 ? place : withKind({ ...place, depth: path.length }, type);
    }
    for (const step of path.reverse()) place = childPlace(place, step._item!.parentSub, step, step);
    return place;
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

/** The place of `type`, which sits in a type at `parent` (under `sub`, in a map); `owner` is it. */
function childPlace(parent: Place, sub: string | null, type: SharedType, owner: unknown): Place {
  if (parent.tree === "gone") return GONE;
  if (parent.tree === "rich") return withKind({ ...parent, depth: parent.depth + 1 }, type);
  const kind = type instanceof Y.Map ? "map" : type instanceof Y.Array ? "array" : "text";
  return { ...parent, kind, depth: parent.depth + 1, role: childRole(parent, sub, type), owner };
}

/** What a nested type is in the table's schema: `rows` and `years` in the section, rows in `rows`, cells and `amounts` in a row. */
function childRole(parent: DataPlace, sub: string | null, type: SharedType): DataPlace["role"] {
  if (parent.role === "section" && parent.table !== "text" && type instanceof Y.Array) {
    if (sub === "rows") return "rows";
    if (sub === "years" && parent.table === "budget") return "years";
  }
  if (parent.role === "rows" && type instanceof Y.Map) return "row";
  if (parent.role === "row" && sub === "amounts" && parent.table === "budget" && type instanceof Y.Map)
    return "amounts";
  if (parent.role === "row" && sub !== "amounts" && type instanceof Y.Text) return "cell";
  return "other";
}

/** The place of a nested rich-text type, of the kind it is (only kinds the checks allow get here). */
function withKind(place: Extract<Place, { tree: "rich" }>, type: SharedType): Place {
  return { ...place, kind: type instanceof Y.XmlText ? "text" : "element" };
}

/** What a row field of this type may hold. */
function fieldValueSchema(spec: FieldSpec, rules: DocumentRules) {
  switch (spec.type) {
    case "text":
      return z.string().max(rules.maxCellChars);
    case "select":
      return selectSchema(spec.values);
    case "date":
      return dateSchema;
    case "id":
      return rowIdSchema;
    case "rowType":
      return rowTypeSchema;
    case "amounts":
      return z.never();
  }
}

const EXPECTED: Record<FieldSpec["type"], string> = {
  text: `text of at most ${TABLE_LIMITS.maxCellChars.toLocaleString("en-GB")} characters`,
  select: "one of its options",
  date: "a date (YYYY-MM-DD)",
  id: "a row id (text)",
  rowType: '"funding" or "asset"',
  amounts: "whole pence within £1 trillion either way",
};

function where(place: DataPlace, sub: string | null): string {
  if (place.role === "row" && sub !== null) return `field "${short(sub)}" of a ${place.table} row`;
  if (place.role === "section" && sub !== null) return `table entry "${short(sub)}"`;
  return `a ${place.table} table`;
}

function describe(value: unknown): string {
  if (typeof value === "string")
    return value.length > 40 ? `text of ${value.length} characters` : JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || value === null || value === undefined) {
    return String(value);
  }
  return Array.isArray(value) ? "a list" : "an object";
}

/** A plain value's size as JSON, in bytes (non-finite numbers count as their name). */
function jsonBytes(value: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(value) ?? "");
  } catch {
    return Infinity;
  }
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

function refused(reason: string): ProtocolRefusal {
  return new ProtocolRefusal(CloseCode.UpdateRefused, `change refused: ${reason}`);
}

function short(name: string): string {
  return name.length > 40 ? `${name.slice(0, 40)}...` : name;
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
