import canonicalize from "canonicalize";
import * as Y from "yjs";
import { sectionFragmentName } from "../../app/shared/doc-names";
import { isSuggestionMark, parseSuggestionId } from "../../app/shared/suggestion-marks";
import type { SharedType } from "../../app/shared/yjs-types";
import { sectionRichTextJson, type PmNode, type PmText } from "../plans/plan-content.server";
import { CloseCode } from "./close-codes.server";
import { rootOf } from "./doc-roots.server";
import { ProtocolError, ProtocolRefusal } from "./errors.server";
import { copyOfRoots, rootsWritten } from "./section-copy.server";

/**
 * Holds the reviewer line (decision 0034): an update from someone who may only suggest is
 * applied to a shadow copy first, and taken only when every section it touched has the same
 * accepted content and the same suggestions of everyone else as before, and the suggestions it
 * leaves are that person's own insertions and deletions. The shadow holds only the sections
 * reviewers have written into (decision 0045), so making it costs those sections, not the plan;
 * it follows every update the live document takes, is made again with one more section when an
 * update writes into a section it lacks, and is dropped when it took one that was refused.
 */
export class SuggestionGate {
  private shadow: Y.Doc | null = null;
  /** The sections the shadow holds; it holds no other content. */
  private readonly copied = new Set<string>();

  constructor(
    private readonly live: Y.Doc,
    private readonly sectionKeys: ReadonlySet<string>,
  ) {}

  /** Throws `ProtocolRefusal` unless the update only adds, changes or withdraws `userId`'s suggestions. */
  check(update: Uint8Array, userId: string): void {
    const shadow = this.shadowFor(this.sectionsWritten(update));
    const touched = new Set<SharedType>();
    const note = (transaction: Y.Transaction) => {
      for (const type of transaction.changed.keys()) touched.add(type);
    };
    shadow.on("afterTransaction", note);
    try {
      Y.applyUpdate(shadow, update);
      // Typing changes texts only, read alone; a change of structure reads its whole section.
      const sections = new Set<string>();
      const texts: Y.XmlText[] = [];
      for (const type of touched) {
        const key = this.sectionOf(shadow, rootOf(type));
        if (key === null) throw refused("a suggestion outside any section's narrative");
        const before = type instanceof Y.XmlText ? this.liveTwin(type) : null;
        if (before) texts.push(type as Y.XmlText);
        else sections.add(key);
      }
      for (const key of sections) {
        compare(readSection(this.live, key, userId), readSection(shadow, key, userId));
      }
      for (const text of texts) {
        if (sections.has(this.sectionOf(shadow, rootOf(text))!)) continue;
        compare(
          readRuns(this.liveTwin(text)!.toDelta() as DeltaOp[], userId),
          readRuns(text.toDelta() as DeltaOp[], userId),
        );
      }
    } catch (error) {
      this.drop();
      if (error instanceof ProtocolRefusal) throw error;
      throw new ProtocolError("malformed document update");
    } finally {
      shadow.off("afterTransaction", note);
    }
  }

  /** Keeps the shadow in step with an update the live document took (already there: skipped). */
  follow(update: Uint8Array): void {
    if (!this.shadow) return;
    try {
      Y.applyUpdate(this.shadow, update);
    } catch {
      this.drop();
    }
  }

  /** Frees the shadow; the next check makes a new one. */
  drop(): void {
    this.shadow?.destroy();
    this.shadow = null;
    this.copied.clear();
  }

  /** The sections an update writes into; refused if it writes anywhere else. */
  private sectionsWritten(update: Uint8Array): Set<string> {
    let written;
    try {
      written = rootsWritten(this.live, update);
    } catch {
      throw new ProtocolError("malformed document update");
    }
    const keys = new Set<string>();
    for (const root of written.roots) {
      const key = this.sectionOf(this.live, root);
      if (key === null) throw refused("a suggestion outside any section's narrative");
      keys.add(key);
    }
    for (const name of written.newRootNames) {
      const key = [...this.sectionKeys].find((candidate) => sectionFragmentName(candidate) === name);
      if (key === undefined) throw refused("a suggestion outside any section's narrative");
      keys.add(key);
    }
    return keys;
  }

  /** The shadow, made again if it lacks one of `keys`. */
  private shadowFor(keys: Set<string>): Y.Doc {
    if (this.shadow && [...keys].every((key) => this.copied.has(key))) return this.shadow;
    const wanted = new Set([...this.copied, ...keys]);
    this.drop();
    const roots = [...wanted].flatMap((key) => this.live.share.get(sectionFragmentName(key)) ?? []);
    this.shadow = copyOfRoots(this.live, roots);
    for (const key of wanted) this.copied.add(key);
    return this.shadow;
  }

  /** The live document's copy of a text of the shadow, if the live document has it. */
  private liveTwin(text: SharedType): Y.XmlText | null {
    const id = text._item?.id;
    if (!id || id.clock >= Y.getState(this.live.store, id.client)) return null;
    const item = Y.getItem(this.live.store, id);
    return item instanceof Y.Item &&
      !item.deleted &&
      item.content instanceof Y.ContentType &&
      item.content.type instanceof Y.XmlText
      ? item.content.type
      : null;
  }

  private sectionOf(doc: Y.Doc, root: SharedType): string | null {
    for (const key of this.sectionKeys) {
      if (doc.share.get(sectionFragmentName(key)) === root) return key;
    }
    return null;
  }
}

interface SectionReading {
  /** The accepted content, canonical. */
  accepted: string;
  /** Everyone else's suggestions (`Others`), canonical. */
  others: string;
  /** What is wrong with the reader's own suggestion marks, if anything. */
  fault: string | null;
}

/** A section as the gate compares it, for the person `userId`. */
export function readSection(doc: Y.Doc, sectionKey: string, userId: string): SectionReading {
  const others: Others = [];
  let fault: string | null = null;
  const stack: (PmNode | PmText)[] = [sectionRichTextJson(doc, sectionKey, { withSuggestions: true })];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type !== "text") {
      const content = (node as PmNode).content ?? [];
      for (let i = content.length - 1; i >= 0; i--) stack.push(content[i]!);
      continue;
    }
    const { text, marks = [] } = node as PmText;
    const styles = marks.filter((mark) => !isSuggestionMark(mark.type)).sort((a, b) => a.type.localeCompare(b.type));
    const formatting = canonicalize(styles) ?? "";
    for (const mark of marks) {
      if (!isSuggestionMark(mark.type)) continue;
      const id = mark.attrs?.id;
      const author = parseSuggestionId(id)?.authorId;
      if (author === userId) {
        if (mark.type === "modification") fault ??= "a suggested change of formatting or structure";
        else if (Object.keys(mark.attrs ?? {}).some((name) => name !== "id")) fault ??= "a suggestion mark with extras";
        continue;
      }
      addOther(others, mark.type, id, formatting, text);
    }
  }
  return {
    accepted: canonicalize(asShown(sectionRichTextJson(doc, sectionKey))) ?? "",
    others: canonicalize(others) ?? "",
    fault,
  };
}

/**
 * A narrative with nothing in it is shown by its editor as one empty paragraph, and the first
 * words typed there are written into one: both read the same, or a reviewer's first suggestion in
 * an empty narrative would read as a new paragraph, a plain edit.
 */
function asShown(doc: PmNode): PmNode {
  return doc.content && doc.content.length > 0 ? doc : { ...doc, content: [{ type: "paragraph" }] };
}

type DeltaOp = { insert: unknown; attributes?: Record<string, unknown> };

function compare(before: SectionReading, after: SectionReading): void {
  if (after.fault) throw refused(after.fault);
  if (after.accepted !== before.accepted) throw refused("an edit that is not a suggestion");
  if (after.others !== before.others) throw refused("a change to someone else's suggestion");
}

/**
 * One text read as `readSection` reads a section: its accepted runs (suggested insertions left
 * out, suggestion marks dropped, equal neighbours merged) and everyone else's suggestions.
 */
export function readRuns(delta: DeltaOp[], userId: string): SectionReading {
  const accepted: [unknown, string][] = [];
  const others: Others = [];
  let fault: string | null = null;
  for (const { insert, attributes = {} } of delta) {
    const present = Object.entries(attributes).filter(([, value]) => value !== null && value !== undefined);
    const kept = Object.fromEntries(present.filter(([key]) => !isSuggestionMark(key.split("--")[0]!)));
    const formatting = canonicalize(kept) ?? "";
    let inserted = false;
    for (const [key, value] of present) {
      const mark = key.split("--")[0]!;
      if (!isSuggestionMark(mark)) continue;
      if (mark === "insertion") inserted = true;
      const id = (value as { id?: unknown }).id;
      if (parseSuggestionId(id)?.authorId === userId) {
        if (mark === "modification") fault ??= "a suggested change of formatting or structure";
        else if (Object.keys(value as object).some((name) => name !== "id")) fault ??= "a suggestion mark with extras";
        continue;
      }
      const words = typeof insert === "string" ? insert : (canonicalize(insert) ?? "");
      addOther(others, mark, id, formatting, words);
    }
    if (inserted) continue;
    const last = accepted.at(-1);
    if (last && typeof insert === "string" && typeof last[0] === "string" && last[1] === formatting) last[0] += insert;
    else accepted.push([insert instanceof Y.AbstractType ? insert.toJSON() : insert, formatting]);
  }
  return { accepted: canonicalize(accepted) ?? "", others: canonicalize(others) ?? "", fault };
}

/**
 * Everyone else's suggestions in document order: [mark, id, formatting, words], neighbours with
 * all three equal merged. The formatting is kept so that no one restyles another's suggested words.
 */
type Others = [string, string, string, string][];

function addOther(others: Others, mark: string, id: unknown, formatting: string, words: string): void {
  const idText = typeof id === "string" ? id : (canonicalize(id ?? null) ?? "");
  const last = others.at(-1);
  if (last && last[0] === mark && last[1] === idText && last[2] === formatting) last[3] += words;
  else others.push([mark, idText, formatting, words]);
}

function refused(reason: string): ProtocolRefusal {
  return new ProtocolRefusal(CloseCode.UpdateRefused, `change refused: ${reason}`);
}
