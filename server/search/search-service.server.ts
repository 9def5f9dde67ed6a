import { and, asc, eq, gt, inArray, max, sql, type SQL } from "drizzle-orm";
import type { EventBus } from "../events/event-bus.server";
import type * as Y from "yjs";
import { parseSearchQuery } from "../../app/shared/search-query";
import { Refusal } from "../../app/shared/errors";
import type { Store } from "../../db/store.server";
import type { Plan } from "../../db/schema";
import type { Viewer } from "../plans/plan-access.server";
import { sectionSearchText } from "./search-text.server";
import { searchHits } from "./search-index.server";
import { buildSnippet } from "./snippets.server";

export interface SearchResult {
  planId: string;
  planTitle: string;
  /** Null when the plan's title or area matched rather than a section. */
  sectionKey: string | null;
  sectionTitle: string | null;
  /** HTML-escaped text around the match, each matched word in `<mark>`. */
  snippet: string;
}

const INDEX_CLEAN_KEY = "search_index_closed_cleanly";

/** The row holding the plan's title and area. */
const TITLE_ROW = "";
const MAX_RESULTS = 50;

/**
 * The full-text index of every plan (`search_documents`, searched as `search-index` says per
 * store) and the search over it. Results are filtered by membership when the query runs, so losing a
 * plan takes it out of one's results at once, whatever the index holds.
 */
export class SearchService {
  /**
   * Each plan's last index write begun, which the next waits for: the words read later are
   * written later (two transactions on PostgreSQL could commit in either order), and closing
   * waits for them.
   */
  private readonly lastWrites = new Map<string, Promise<number>>();

  constructor(
    private readonly store: Store,
    /** The ids of the plans a user may read, as SQL (from `PlanAccessService`). */
    private readonly readablePlanIds: (userId: string) => SQL,
    /** Told of each plan whose indexed words changed. */
    private readonly events?: EventBus,
  ) {}

  /**
   * Brings the plan's rows up to date with `doc`: only the sections given (all by default),
   * and only rows whose words changed are written, stamped with `editedAt`. `doc` is read at
   * once, so a caller in a room's cut may leave the write to finish after it.
   */
  indexPlan(plan: Plan, doc: Y.Doc, sectionKeys?: ReadonlySet<string>, editedAt = new Date()): Promise<number> {
    const wanted = [
      { sectionKey: TITLE_ROW, title: plan.title, body: plan.area },
      ...plan.template.sections
        .filter((section) => !sectionKeys || sectionKeys.has(section.key))
        .map((section) => ({ sectionKey: section.key, title: section.title, body: sectionSearchText(doc, section) })),
    ];
    const previous = this.lastWrites.get(plan.id);
    // The previous write's failure is its caller's to hear: this one goes on after it either way.
    const write = previous
      ? previous.then(
          () => this.write(plan, wanted, editedAt),
          () => this.write(plan, wanted, editedAt),
        )
      : this.write(plan, wanted, editedAt);
    this.lastWrites.set(plan.id, write);
    const forget = () => {
      if (this.lastWrites.get(plan.id) === write) this.lastWrites.delete(plan.id);
    };
    write.then(forget, forget);
    return write;
  }

  /** Resolves once every index write begun so far has ended. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.lastWrites.values()]);
  }

  private async write(
    plan: Plan,
    wanted: { sectionKey: string; title: string; body: string }[],
    editedAt: Date,
  ): Promise<number> {
    const { searchDocuments } = this.store.tables;
    const written = await this.store.transaction(async (tx) => {
      // Two processes indexing one plan would both see the old words and both count a change.
      await this.store.lock(tx, `search:${plan.id}`);
      const stored = new Map(
        (
          await tx
            .select({
              sectionKey: searchDocuments.sectionKey,
              title: searchDocuments.title,
              body: searchDocuments.body,
            })
            .from(searchDocuments)
            .where(
              and(
                eq(searchDocuments.planId, plan.id),
                inArray(
                  searchDocuments.sectionKey,
                  wanted.map((row) => row.sectionKey),
                ),
              ),
            )
        ).map((row) => [row.sectionKey, row]),
      );
      let written = 0;
      for (const row of wanted) {
        const before = stored.get(row.sectionKey);
        if (before && before.title === row.title && before.body === row.body) continue;
        await tx
          .insert(searchDocuments)
          .values({ planId: plan.id, ...row, editedAt })
          .onConflictDoUpdate({
            target: [searchDocuments.planId, searchDocuments.sectionKey],
            set: { title: row.title, body: row.body, editedAt },
          });
        written++;
      }
      return written;
    });
    if (written > 0) this.events?.publish({ type: "plan-indexed", planId: plan.id });
    return written;
  }

  /**
   * Plans in id order after the plan id `after` ("" to begin): only those with no rows yet (made
   * before the index existed) unless `all`. At most `limit` of them. By id, which both stores
   * order alike (PostgreSQL has no `rowid`); a plan made meanwhile is indexed as it is made.
   */
  async plansToIndex(after: string, limit: number, all: boolean): Promise<Plan[]> {
    const { plans, searchDocuments } = this.store.tables;
    const unindexed = sql`not exists (select 1 from ${searchDocuments} where ${searchDocuments.planId} = ${plans.id})`;
    return this.store.db
      .select()
      .from(plans)
      .where(and(gt(plans.id, after), all ? undefined : unindexed))
      .orderBy(asc(plans.id))
      .limit(limit);
  }

  /**
   * Whether the process that last used the index closed it with every edit indexed. Set to
   * false while a process runs and true when it closes cleanly, so a crash is seen at start.
   */
  async wasClosedCleanly(): Promise<boolean> {
    const { settings } = this.store.tables;
    const [row] = await this.store.db.select().from(settings).where(eq(settings.key, INDEX_CLEAN_KEY));
    return row?.value === "1";
  }

  async markClosedCleanly(clean: boolean): Promise<void> {
    const { settings } = this.store.tables;
    await this.store.db
      .insert(settings)
      .values({ key: INDEX_CLEAN_KEY, value: clean ? "1" : "0" })
      .onConflictDoUpdate({ target: settings.key, set: { value: clean ? "1" : "0" } });
  }

  /** When each plan's words last changed (its creation when they never did). */
  async lastEdits(planIds: readonly string[]): Promise<Map<string, Date>> {
    if (planIds.length === 0) return new Map();
    const { searchDocuments } = this.store.tables;
    // drizzle's max() maps through the column, so both stores answer a Date.
    const rows = await this.store.db
      .select({ planId: searchDocuments.planId, editedAt: max(searchDocuments.editedAt) })
      .from(searchDocuments)
      .where(inArray(searchDocuments.planId, [...planIds]))
      .groupBy(searchDocuments.planId);
    return new Map(rows.flatMap((row) => (row.editedAt ? [[row.planId, new Date(row.editedAt)] as const] : [])));
  }

  /** The best matches, over the plans the viewer may read. */
  async search(viewer: Viewer, query: string): Promise<SearchResult[]> {
    const parsed = parseSearchQuery(query);
    if ("error" in parsed) throw new Refusal("invalid", parsed.error);
    const rows = await searchHits(this.store, {
      terms: parsed.terms,
      readable: viewer.isAdmin ? null : this.readablePlanIds(viewer.id),
      limit: MAX_RESULTS,
    });
    return rows.map((row) => {
      const isTitle = row.sectionKey === TITLE_ROW;
      return {
        planId: row.planId,
        planTitle: row.planTitle,
        sectionKey: isTitle ? null : row.sectionKey,
        sectionTitle: isTitle ? null : row.sectionTitle,
        snippet: buildSnippet([row.body, row.sectionTitle], parsed.terms),
      };
    });
  }
}
