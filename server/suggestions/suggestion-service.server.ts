import { and, count, eq, inArray } from "drizzle-orm";
import * as Y from "yjs";
import { sectionDataName } from "../../app/shared/doc-names";
import { isRefusal, Refusal } from "../../app/shared/errors";
import { canEdit, canSuggest, type Role } from "../../app/shared/permissions";
import { fieldText, findRow, type Row } from "../../app/shared/section-rows";
import type { NewSuggestion } from "../../app/shared/suggestion-input";
import { newSuggestionId, parseSuggestionId } from "../../app/shared/suggestion-marks";
import { suggestionPlaces } from "../../app/shared/suggestion-places";
import { openTextSuggestions } from "../../app/shared/suggestion-runs";
import { changeExcerpt, excerpt } from "../../app/shared/suggestion-words";
import { amountSchema, dateSchema, rowFieldSpecs, selectSchema } from "../../app/shared/table-values";
import { isStructuredKind } from "../../app/shared/structured-fields";
import type { TemplateSection } from "../../app/shared/template-schema";
import type { Db, Store } from "../../db/store.server";
import type { Plan, Suggestion } from "../../db/schema";
import type { SessionUser } from "../auth/sessions.server";
import type { RoomRegistry } from "../collab/rooms.server";
import { ServerEdit } from "../collab/server-edit.server";
import { validateAnchor } from "../comments/anchors.server";
import { TABLE_LIMITS } from "../limits.server";
import type { NotificationSink } from "../notifications/notification-service.server";
import { sectionUrl } from "../notifications/plan-notices.server";
import { recordAudit } from "../plans/audit.server";
import { decideRuns, suggestReplacement, suggestionRuns, wordsOf } from "./text-suggestions.server";

type CellValue = string | number | null;
type Status = Suggestion["status"];

export interface SuggestionView {
  id: string;
  sectionKey: string;
  kind: "text" | "cell";
  status: Status;
  author: { id: string; name: string; organisation: string };
  createdAt: string;
  removed: string | null;
  added: string | null;
  rowId: string | null;
  field: string | null;
  from: CellValue;
  to: CellValue;
  decidedBy: { id: string; name: string } | null;
  decidedAt: string | null;
  reason: string | null;
}

/** How much of a rejection's reason the notice itself quotes: the email has all of it. */
const REASON_CHARS = 200;

const VERB = { accepted: "accepted", rejected: "rejected", withdrawn: "withdrew" } as const;

/**
 * Suggestions on a plan (decision 0034): narrative ones live in the document as marks until
 * decided, cell proposals in the `suggestions` table. Anyone but viewers suggests; owners,
 * editors and signatories accept and reject; the author withdraws. A decision is a server
 * edit by the person deciding, audited with the words, and the author is told of it.
 */
export class SuggestionService {
  constructor(
    private readonly store: Store,
    private readonly rooms: RoomRegistry,
    private readonly notifications?: NotificationSink,
  ) {}

  /** Every suggestion of the plan, newest first: open narrative ones read from the document. */
  async list(plan: Plan): Promise<SuggestionView[]> {
    return this.rooms.read(plan.id, await this.viewer(plan));
  }

  /**
   * Reads the plan's stored suggestions and the people they and the document's open ones name,
   * and answers the function that lists them against a document (run at a room's cut, as
   * `list` does), newest first. The reads come first, as a store's reads cannot wait in a cut.
   */
  async viewer(plan: Plan): Promise<(doc: Y.Doc) => SuggestionView[]> {
    const keys = plan.template.sections.map((section) => section.key);
    const { suggestions } = this.store.tables;
    const rows = await this.store.db.select().from(suggestions).where(eq(suggestions.planId, plan.id));
    // The document's open suggestions name their authors, read here before the cut; one made
    // between this read and the cut is listed from the next read on.
    const liveAuthors = await this.rooms.read(plan.id, (doc) =>
      [...openTextSuggestions(doc, keys).keys()].flatMap((id) => parseSuggestionId(id)?.authorId ?? []),
    );
    const people = await this.people([
      ...rows.flatMap((row) => [row.authorId, row.decidedBy ?? row.authorId]),
      ...liveAuthors,
    ]);
    return (doc) => this.listIn(plan, doc, rows, people);
  }

  /** The list, with the open narrative suggestions read from `doc`. */
  private listIn(plan: Plan, doc: Y.Doc, rows: Suggestion[], people: People): SuggestionView[] {
    const keys = plan.template.sections.map((section) => section.key);
    const live = openTextSuggestions(doc, keys);
    const known = new Set(rows.map((row) => row.id));
    const all: Suggestion[] = [];
    for (const row of rows) {
      if (row.kind === "text" && row.status === "open") {
        // An open narrative suggestion whose words are all gone is no longer one.
        const words = live.get(row.id);
        if (!words) continue;
        all.push({ ...row, removed: words.removed, added: words.added });
      } else all.push(row);
    }
    for (const words of live.values()) {
      if (known.has(words.id)) continue;
      const parsed = parseSuggestionId(words.id);
      if (!parsed) continue;
      all.push(textRow(plan.id, words.id, words.sectionKey, parsed.authorId, parsed.createdAt, words));
    }
    return views(all, people).sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
  }

  /** Open suggestions per section, for the page and the portfolio. */
  async openCounts(plan: Plan): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const view of await this.list(plan)) {
      if (view.status === "open") counts[view.sectionKey] = (counts[view.sectionKey] ?? 0) + 1;
    }
    return counts;
  }

  /**
   * A new suggestion, 201; for a cell, the author's own open proposal of the same value is
   * answered instead (`created` false, 200), and one of another value is withdrawn for it.
   */
  async create(
    plan: Plan,
    user: SessionUser,
    role: Role,
    input: NewSuggestion,
  ): Promise<{ suggestion: SuggestionView; created: boolean }> {
    if (!canSuggest(role)) throw new Refusal("forbidden", "viewers cannot suggest; ask an owner for another role");
    const section = sectionOf(plan, input.sectionKey, "invalid");
    const id = newSuggestionId(user.id);
    if ("anchor" in input) {
      const words = await this.rooms.read(plan.id, (doc) => {
        validateAnchor(doc, section.key, input.anchor);
        const [start, end] = [input.anchor.start, input.anchor.end].map((position) =>
          Y.createAbsolutePositionFromRelativePosition(Y.decodeRelativePosition(Buffer.from(position, "base64")), doc),
        );
        let made: { removed: string; added: string } | undefined;
        doc.transact(
          () => {
            made = suggestReplacement(start!, end!, input.text, id);
          },
          new ServerEdit("suggestion", user.id),
        );
        return made!;
      });
      await this.store.db
        .insert(this.store.tables.suggestions)
        .values(textRow(plan.id, id, section.key, user.id, new Date(), words));
    } else {
      const { from, to } = await this.rooms.read(plan.id, (doc) => {
        const cell = readCell(doc, section, input.rowId, input.field);
        if (!cell.found) throw new Refusal("invalid", `rowId: no row "${input.rowId}" in "${section.title}"`);
        return { from: cell.value, to: checkCellValue(doc, section, input.field, input.value) };
      });
      if (to === from) throw new Refusal("invalid", "value: that is already the cell's value; nothing to propose");
      // Entering a cell again (Enter, then leaving it) or changing one's mind is one proposal
      // per author and cell, not a pile of cards for the editor to clear.
      const { suggestions } = this.store.tables;
      const earlier = await this.store.db
        .select()
        .from(suggestions)
        .where(
          and(
            eq(suggestions.planId, plan.id),
            eq(suggestions.sectionKey, section.key),
            eq(suggestions.kind, "cell"),
            eq(suggestions.status, "open"),
            eq(suggestions.authorId, user.id),
            eq(suggestions.rowId, input.rowId),
            eq(suggestions.field, input.field),
          ),
        );
      const same = earlier.find((row) => row.toValue === to && row.fromValue === from);
      if (same) return { suggestion: await this.find(plan, same.id), created: false };
      for (const row of earlier) await this.decide(plan, user, row.id, "withdrawn");
      await this.store.db.insert(suggestions).values({
        id,
        planId: plan.id,
        sectionKey: section.key,
        kind: "cell",
        authorId: user.id,
        rowId: input.rowId,
        field: input.field,
        fromValue: from,
        toValue: to,
      });
      await this.publishCells(plan);
    }
    await this.rooms.read(plan.id, () => undefined);
    return { suggestion: await this.find(plan, id), created: true };
  }

  async accept(plan: Plan, user: SessionUser, role: Role, id: string): Promise<SuggestionView> {
    if (!canEdit(role)) throw new Refusal("forbidden", "only owners, editors and signatories accept suggestions");
    return this.decide(plan, user, id, "accepted");
  }

  async reject(plan: Plan, user: SessionUser, role: Role, id: string, reason?: string): Promise<SuggestionView> {
    if (!canEdit(role)) throw new Refusal("forbidden", "only owners, editors and signatories reject suggestions");
    return this.decide(plan, user, id, "rejected", reason || null);
  }

  async withdraw(plan: Plan, user: SessionUser, role: Role, id: string): Promise<SuggestionView> {
    const current = await this.find(plan, id);
    if (current.author.id !== user.id || !canSuggest(role)) {
      throw new Refusal("forbidden", "only its author withdraws a suggestion");
    }
    return this.decide(plan, user, id, "withdrawn");
  }

  private async decide(
    plan: Plan,
    user: SessionUser,
    id: string,
    status: Exclude<Status, "open">,
    reason: string | null = null,
  ): Promise<SuggestionView> {
    const current = await this.find(plan, id);
    if (current.status !== "open") throw new Refusal("conflict", `that suggestion was already ${current.status}`);
    const section = sectionOf(plan, current.sectionKey, "conflict");
    const accept = status === "accepted";
    const { suggestions } = this.store.tables;
    const [stored] = await this.store.db.select().from(suggestions).where(eq(suggestions.id, id));
    let words: { removed: string; added: string } | null = null;
    await this.rooms.read(plan.id, (doc) => {
      if (current.kind === "text") {
        const runs = suggestionRuns(doc, section.key, id);
        words = wordsOf(runs);
        if (runs.length === 0) throw new Refusal("conflict", "the words of that suggestion are gone");
        // Made through the API, it knows its words: changed since, it is not what was suggested.
        if (stored && (stored.removed !== words.removed || stored.added !== words.added)) {
          throw new Refusal("conflict", "the words of that suggestion have changed since it was made");
        }
        doc.transact(() => decideRuns(runs, accept), new ServerEdit(`suggestion ${status}`, user.id));
        return;
      }
      if (!accept) return;
      const cell = readCell(doc, section, current.rowId!, current.field!);
      if (!cell.found) throw new Refusal("conflict", "the row of that suggestion was deleted");
      if (cell.value !== current.from) {
        throw new Refusal("conflict", "the cell has changed since the suggestion was made", { now: cell.value });
      }
      doc.transact(
        () => writeCell(cell.row!, current.field!, current.to),
        new ServerEdit("suggestion accepted", user.id),
      );
    });
    // Reading the plan stores what is pending: the decision is on disk before the answer.
    await this.rooms.read(plan.id, () => undefined);
    const decision = { status, reason, at: new Date() };
    await this.store.transaction((tx) =>
      this.recordDecision(tx, plan, user, { view: current, words, stored: stored !== undefined }, decision),
    );
    // Who decides is never told of it (the sink leaves them out): an editor withdrawing or
    // deciding their own suggestion hears nothing.
    if (status !== "withdrawn") await this.tellAuthors(plan, user, status, [{ view: current }], reason);
    if (current.kind === "cell") await this.publishCells(plan);
    return await this.find(plan, id);
  }

  /**
   * Stores one decision in `tx`, with its audit entry: the suggestion's row is updated, or made
   * now for a suggestion the page wrote into the document without the API.
   */
  private async recordDecision(
    tx: Db,
    plan: Plan,
    user: SessionUser,
    {
      view,
      words,
      stored,
    }: { view: SuggestionView; words: { removed: string; added: string } | null; stored: boolean },
    { status, reason, at }: { status: Exclude<Status, "open">; reason: string | null; at: Date },
  ): Promise<void> {
    const { suggestions } = this.store.tables;
    const settled = { status, decidedBy: user.id, decidedAt: at, reason };
    if (stored) await tx.update(suggestions).set(settled).where(eq(suggestions.id, view.id));
    else {
      await tx.insert(suggestions).values({
        ...textRow(plan.id, view.id, view.sectionKey, view.author.id, new Date(view.createdAt), words!),
        ...settled,
      });
    }
    await recordAudit(
      this.store,
      {
        planId: plan.id,
        userId: user.id,
        type: `suggestion.${status}`,
        detail: {
          suggestionId: view.id,
          sectionKey: view.sectionKey,
          kind: view.kind,
          author: view.author.id,
          ...(view.kind === "text" ? words! : { rowId: view.rowId, field: view.field, from: view.from, to: view.to }),
          ...(reason ? { reason } : {}),
        },
      },
      tx,
    );
  }

  /** The plan's open cell proposals, oldest first, as the page draws them in their cells. */
  async openCells(plan: Plan): Promise<SuggestionView[]> {
    const { suggestions } = this.store.tables;
    const rows = await this.store.db
      .select()
      .from(suggestions)
      .where(and(eq(suggestions.planId, plan.id), eq(suggestions.kind, "cell"), eq(suggestions.status, "open")));
    const people = await this.people(rows.flatMap((row) => [row.authorId, row.decidedBy ?? row.authorId]));
    return views(rows, people).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  /**
   * Accepts or rejects, in one edit, every open suggestion of a section, of one author, or of
   * one author in a section. One that cannot be decided (its words or its cell changed, its row
   * is gone) is skipped and said why; the others are decided, audited one by one, and each
   * author is told once.
   */
  async decideAll(
    plan: Plan,
    user: SessionUser,
    role: Role,
    decision: "accept" | "reject",
    filter: BulkFilter,
    reason: string | null = null,
  ): Promise<BulkDecision> {
    if (!canEdit(role)) throw new Refusal("forbidden", `only owners, editors and signatories ${decision} suggestions`);
    if (filter.sectionKey === undefined && filter.authorId === undefined) {
      throw new Refusal("invalid", "give sectionKey, authorId or both: which suggestions to decide");
    }
    if (decision === "accept" && reason) throw new Refusal("invalid", "reason: only a rejection carries a reason");
    if (filter.sectionKey !== undefined) sectionOf(plan, filter.sectionKey, "invalid");
    const status: "accepted" | "rejected" = decision === "accept" ? "accepted" : "rejected";
    const open = (await this.list(plan)).filter(
      (view) =>
        view.status === "open" &&
        (filter.sectionKey === undefined || view.sectionKey === filter.sectionKey) &&
        (filter.authorId === undefined || view.author.id === filter.authorId),
    );
    const { suggestions } = this.store.tables;
    const storedById = new Map(
      (open.length === 0
        ? []
        : await this.store.db
            .select()
            .from(suggestions)
            .where(
              inArray(
                suggestions.id,
                open.map((view) => view.id),
              ),
            )
      ).map((row) => [row.id, row]),
    );
    const decided: { view: SuggestionView; words: { removed: string; added: string } | null }[] = [];
    const skipped: { id: string; error: string }[] = [];
    await this.rooms.read(plan.id, (doc) => {
      doc.transact(
        () => {
          for (const view of open) {
            try {
              const section = sectionOf(plan, view.sectionKey, "conflict");
              decided.push({ view, words: applyDecision(doc, section, view, storedById.get(view.id), status) });
            } catch (error) {
              if (!isRefusal(error) || error.kind !== "conflict") throw error;
              skipped.push({ id: view.id, error: error.message });
            }
          }
        },
        new ServerEdit(`suggestions ${status}`, user.id),
      );
    });
    // Reading the plan stores what is pending: the decisions are on disk before the answer.
    await this.rooms.read(plan.id, () => undefined);
    const settled = { status, reason, at: new Date() };
    await this.store.transaction(async (tx) => {
      for (const { view, words } of decided) {
        await this.recordDecision(tx, plan, user, { view, words, stored: storedById.has(view.id) }, settled);
      }
    });
    await this.tellAuthors(plan, user, status, decided, reason);
    if (decided.some(({ view }) => view.kind === "cell")) await this.publishCells(plan);
    const ids = decided.map(({ view }) => view.id);
    return {
      accepted: status === "accepted" ? ids : [],
      rejected: status === "rejected" ? ids : [],
      skipped,
      summary: bulkSummary(status, ids.length, skipped),
    };
  }

  /**
   * One notification per author for a decision: which of their words (or cells) and where,
   * or, for many at once, how many and where, each one's words in the email.
   */
  private async tellAuthors(
    plan: Plan,
    user: SessionUser,
    status: "accepted" | "rejected",
    decided: readonly { view: SuggestionView }[],
    reason: string | null,
  ): Promise<void> {
    const byAuthor = new Map<string, SuggestionView[]>();
    for (const { view } of decided) byAuthor.set(view.author.id, [...(byAuthor.get(view.author.id) ?? []), view]);
    if (byAuthor.size === 0) return;
    const views = decided.map(({ view }) => view);
    const places = await this.rooms.read(plan.id, (doc) => suggestionPlaces(doc, plan.template.sections, views));
    const words = (view: SuggestionView) => {
      const change = changeExcerpt(view);
      const cell = places.get(view.id)?.cellName;
      return view.kind === "cell" && cell ? `${cell}: ${change}` : change;
    };
    const items = [...byAuthor].map(([authorId, theirs]) => {
      const keys = [...new Set(theirs.map((view) => view.sectionKey))];
      const titles = keys.map((key) => plan.template.sections.find((section) => section.key === key)?.title ?? key);
      const which = theirs.length === 1 ? "your suggestion" : `${theirs.length} of your suggestions`;
      const what = theirs.length === 1 ? `: ${words(theirs[0]!)}` : "";
      const why = reason ? `. Reason: ${excerpt(reason, REASON_CHARS)}` : "";
      return {
        userId: authorId,
        type: "suggestion-decided" as const,
        planId: plan.id,
        text: `${user.name} ${VERB[status]} ${which} in ${titles.map((title) => `“${title}”`).join(", ")} (${plan.title})${what}${why}`,
        url: sectionUrl(plan.id, keys[0]!),
        eventKey: `suggestion-decided:${theirs[0]!.id}`,
        detail:
          [...(theirs.length > 1 ? theirs.map(words) : []), ...(reason ? [`Reason: ${reason}`] : [])].join("\n") ||
          null,
      };
    });
    await this.notifications?.notify(items, user.id);
  }

  /** How many open cell proposals each of the plans has (for the portfolio; absent when none). */
  async openCellCounts(planIds: readonly string[]): Promise<Map<string, number>> {
    if (planIds.length === 0) return new Map();
    const { suggestions } = this.store.tables;
    const rows = await this.store.db
      .select({ planId: suggestions.planId, count: count() })
      .from(suggestions)
      .where(
        and(inArray(suggestions.planId, [...planIds]), eq(suggestions.kind, "cell"), eq(suggestions.status, "open")),
      )
      .groupBy(suggestions.planId);
    return new Map(rows.map((row) => [row.planId, row.count]));
  }

  /** Tells open pages of the plan its open cell proposals, as they are now. */
  private async publishCells(plan: Plan): Promise<void> {
    this.rooms.publish(plan.id, { type: "cell-suggestions", suggestions: await this.openCells(plan) });
  }

  private async find(plan: Plan, id: string): Promise<SuggestionView> {
    const found = (await this.list(plan)).find((view) => view.id === id);
    if (!found) throw new Refusal("not-found", "no such suggestion in this plan");
    return found;
  }

  /** The people of these ids, by id. */
  private async people(ids: readonly string[]): Promise<People> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const { users } = this.store.tables;
    const rows = await this.store.db
      .select({ id: users.id, name: users.name, organisation: users.organisation })
      .from(users)
      .where(inArray(users.id, unique));
    return new Map(rows.map((person) => [person.id, person]));
  }
}

type People = ReadonlyMap<string, { id: string; name: string; organisation: string }>;

/** The rows as the API shows them; a row whose author is not among `people` is left out. */
function views(rows: Suggestion[], people: People): SuggestionView[] {
  return rows.flatMap((row) => {
    const author = people.get(row.authorId);
    if (!author) return [];
    const decider = row.decidedBy ? people.get(row.decidedBy) : undefined;
    return [
      {
        id: row.id,
        sectionKey: row.sectionKey,
        kind: row.kind,
        status: row.status,
        author,
        createdAt: row.createdAt.toISOString(),
        removed: row.removed,
        added: row.added,
        rowId: row.rowId,
        field: row.field,
        from: row.fromValue ?? null,
        to: row.toValue ?? null,
        decidedBy: decider ? { id: decider.id, name: decider.name } : null,
        decidedAt: row.decidedAt?.toISOString() ?? null,
        reason: row.reason,
      },
    ];
  });
}

export interface BulkFilter {
  sectionKey?: string;
  authorId?: string;
}

export interface BulkDecision {
  accepted: string[];
  rejected: string[];
  /** The suggestions left open, each with why. */
  skipped: { id: string; error: string }[];
  /** "3 accepted, 1 could not be: the cell has changed since the suggestion was made". */
  summary: string;
}

function bulkSummary(status: "accepted" | "rejected", done: number, skipped: { error: string }[]): string {
  const decided = `${done} ${status}`;
  if (skipped.length === 0) return decided;
  const why = [...new Set(skipped.map((item) => item.error))].join("; ");
  return `${decided}, ${skipped.length} could not be: ${why}`;
}

/**
 * Makes one open suggestion's decision in the document (inside the caller's transaction), or
 * refuses with a conflict when what it would change has changed. Answers a narrative
 * suggestion's words (null for a cell).
 */
function applyDecision(
  doc: Y.Doc,
  section: TemplateSection,
  view: SuggestionView,
  stored: Suggestion | undefined,
  status: "accepted" | "rejected",
): { removed: string; added: string } | null {
  const accept = status === "accepted";
  if (view.kind === "text") {
    const runs = suggestionRuns(doc, section.key, view.id);
    const words = wordsOf(runs);
    if (runs.length === 0) throw new Refusal("conflict", "the words of that suggestion are gone");
    if (stored && (stored.removed !== words.removed || stored.added !== words.added)) {
      throw new Refusal("conflict", "the words of that suggestion have changed since it was made");
    }
    decideRuns(runs, accept);
    return words;
  }
  if (!accept) return null;
  const cell = readCell(doc, section, view.rowId!, view.field!);
  if (!cell.found) throw new Refusal("conflict", "the row of that suggestion was deleted");
  if (cell.value !== view.from) throw new Refusal("conflict", "the cell has changed since the suggestion was made");
  writeCell(cell.row!, view.field!, view.to);
  return null;
}

function textRow(
  planId: string,
  id: string,
  sectionKey: string,
  authorId: string,
  createdAt: Date,
  words: { removed: string; added: string },
): Suggestion {
  return {
    id,
    planId,
    sectionKey,
    kind: "text",
    status: "open",
    authorId,
    createdAt,
    removed: words.removed,
    added: words.added,
    rowId: null,
    field: null,
    fromValue: null,
    toValue: null,
    decidedBy: null,
    decidedAt: null,
    reason: null,
  };
}

function sectionOf(plan: Plan, key: string, kind: "invalid" | "conflict"): TemplateSection {
  const section = plan.template.sections.find((candidate) => candidate.key === key);
  if (!section) throw new Refusal(kind, `sectionKey: section "${key}" is not in this plan`);
  return section;
}

/** A cell as it is now: `amounts.<year>` is a budget amount in pence (null when empty), other fields text. */
function readCell(
  doc: Y.Doc,
  section: TemplateSection,
  rowId: string,
  field: string,
): { found: false } | { found: true; row: Row; value: CellValue } {
  const rows = doc.getMap(sectionDataName(section.key)).get("rows");
  const found = rows instanceof Y.Array ? findRow(rows as Y.Array<Row>, rowId) : null;
  if (!found) return { found: false };
  const year = amountYear(field);
  if (year === null) return { found: true, row: found.row, value: fieldText(found.row.get(field)) };
  const amounts = found.row.get("amounts");
  const pence = amounts instanceof Y.Map ? amounts.get(year) : undefined;
  return { found: true, row: found.row, value: typeof pence === "number" ? pence : null };
}

function writeCell(row: Row, field: string, value: CellValue): void {
  const year = amountYear(field);
  if (year === null) {
    const current = row.get(field);
    if (current instanceof Y.Text) {
      current.delete(0, current.length);
      current.insert(0, String(value ?? ""));
    } else row.set(field, String(value ?? ""));
    return;
  }
  let amounts = row.get("amounts");
  if (!(amounts instanceof Y.Map)) {
    amounts = new Y.Map<number>();
    row.set("amounts", amounts);
  }
  if (value === null) (amounts as Y.Map<number>).delete(year);
  else (amounts as Y.Map<number>).set(year, value as number);
}

function amountYear(field: string): string | null {
  return field.startsWith("amounts.") ? field.slice("amounts.".length) : null;
}

/** The value as the cell would hold it, or a 400 saying why it cannot. */
function checkCellValue(doc: Y.Doc, section: TemplateSection, field: string, value: string | number): CellValue {
  if (!isStructuredKind(section.kind)) throw new Refusal("invalid", `"${section.title}" has no table`);
  const year = amountYear(field);
  if (year !== null) {
    const years = doc.getMap(sectionDataName(section.key)).get("years");
    if (section.kind !== "budget" || !(years instanceof Y.Array) || !years.toArray().includes(year)) {
      throw new Refusal("invalid", `field: "${field}" is not a year of this budget`);
    }
    if (!amountSchema.safeParse(value).success) throw new Refusal("invalid", "value: an amount is whole pence");
    return value as number;
  }
  const spec = rowFieldSpecs(section.kind).get(field);
  if (!spec || spec.type === "id" || spec.type === "rowType" || spec.type === "amounts") {
    throw new Refusal("invalid", `field: "${field}" is not a field a suggestion can change`);
  }
  if (typeof value !== "string") throw new Refusal("invalid", "value: this field takes text");
  const valid =
    spec.type === "text"
      ? value.length <= TABLE_LIMITS.maxCellChars
      : spec.type === "date"
        ? dateSchema.safeParse(value).success
        : selectSchema(spec.values).safeParse(value).success;
  if (!valid) throw new Refusal("invalid", `value: not a value "${field}" takes`);
  return value;
}
