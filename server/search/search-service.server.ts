import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { EventBus } from "../events/event-bus.server";
import type * as Y from "yjs";
import { ftsMatchExpression, parseSearchQuery } from "../../app/shared/search-query";
import { Refusal } from "../../app/shared/errors";
import type { SqliteDb } from "../../db/client.server";
import { plans, searchDocuments, settings, type Plan } from "../../db/schema";
import type { Viewer } from "../plans/plan-access.server";
import { sectionSearchText } from "./search-text.server";
import { SNIPPET_SCAN_CHARS, buildSnippet } from "./snippets.server";

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
 * The full-text index of every plan (an FTS5 table kept from `search_documents` by triggers)
 * and the search over it. Results are filtered by membership when the query runs, so losing a
 * plan takes it out of one's results at once, whatever the index holds.
 */
export class SearchService {
  constructor(
    private readonly db: SqliteDb,
    /** The ids of the plans a user may read, as SQL (from `PlanAccessService`). */
    private readonly readablePlanIds: (userId: string) => SQL,
    /** Told of each plan whose indexed words changed. */
    private readonly events?: EventBus,
  ) {}

  /**
   * Brings the plan's rows up to date with `doc`: only the sections given (all by default),
   * and only rows whose words changed are written, stamped with `editedAt`.
   */
  indexPlan(plan: Plan, doc: Y.Doc, sectionKeys?: ReadonlySet<string>, editedAt = new Date()): number {
    const wanted = [
      { sectionKey: TITLE_ROW, title: plan.title, body: plan.area },
      ...plan.template.sections
        .filter((section) => !sectionKeys || sectionKeys.has(section.key))
        .map((section) => ({ sectionKey: section.key, title: section.title, body: sectionSearchText(doc, section) })),
    ];
    const written = this.db.transaction((tx) => {
      const stored = new Map(
        tx
          .select({ sectionKey: searchDocuments.sectionKey, title: searchDocuments.title, body: searchDocuments.body })
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
          .all()
          .map((row) => [row.sectionKey, row]),
      );
      let written = 0;
      for (const row of wanted) {
        const before = stored.get(row.sectionKey);
        if (before && before.title === row.title && before.body === row.body) continue;
        tx.insert(searchDocuments)
          .values({ planId: plan.id, ...row, editedAt })
          .onConflictDoUpdate({
            target: [searchDocuments.planId, searchDocuments.sectionKey],
            set: { title: row.title, body: row.body, editedAt },
          })
          .run();
        written++;
      }
      return written;
    });
    if (written > 0) this.events?.publish({ type: "plan-indexed", planId: plan.id });
    return written;
  }

  /**
   * Plans in creation order after `after` (a plan's rowid): only those with no rows yet (made
   * before the index existed) unless `all`. At most `limit` of them, with the rowid to go on from.
   */
  plansToIndex(after: number, limit: number, all: boolean): { rowid: number; plan: Plan }[] {
    const unindexed = sql`not exists (select 1 from ${searchDocuments} where ${searchDocuments.planId} = ${plans.id})`;
    return this.db
      .select({ rowid: sql<number>`${plans}.rowid`, plan: plans })
      .from(plans)
      .where(and(sql`${plans}.rowid > ${after}`, all ? undefined : unindexed))
      .orderBy(sql`${plans}.rowid`)
      .limit(limit)
      .all();
  }

  /**
   * Whether the process that last used the index closed it with every edit indexed. Set to
   * false while a process runs and true when it closes cleanly, so a crash is seen at start.
   */
  wasClosedCleanly(): boolean {
    return this.db.select().from(settings).where(eq(settings.key, INDEX_CLEAN_KEY)).get()?.value === "1";
  }

  markClosedCleanly(clean: boolean): void {
    this.db
      .insert(settings)
      .values({ key: INDEX_CLEAN_KEY, value: clean ? "1" : "0" })
      .onConflictDoUpdate({ target: settings.key, set: { value: clean ? "1" : "0" } })
      .run();
  }

  /** When each plan's words last changed (its creation when they never did). */
  lastEdits(planIds: readonly string[]): Map<string, Date> {
    if (planIds.length === 0) return new Map();
    const rows = this.db
      .select({ planId: searchDocuments.planId, editedAt: sql<number>`max(${searchDocuments.editedAt})` })
      .from(searchDocuments)
      .where(inArray(searchDocuments.planId, [...planIds]))
      .groupBy(searchDocuments.planId)
      .all();
    return new Map(rows.map((row) => [row.planId, new Date(row.editedAt)]));
  }

  /** The best matches, over the plans the viewer may read. */
  search(viewer: Viewer, query: string): SearchResult[] {
    const parsed = parseSearchQuery(query);
    if ("error" in parsed) throw new Refusal("invalid", parsed.error);
    const visible = viewer.isAdmin ? sql`1` : sql`d.plan_id in ${this.readablePlanIds(viewer.id)}`;
    const rows = this.db.all<{
      planId: string;
      planTitle: string;
      sectionKey: string;
      sectionTitle: string;
      body: string;
    }>(sql`
      select d.plan_id as planId, p.title as planTitle, d.section_key as sectionKey, d.title as sectionTitle,
        substr(d.body, 1, ${SNIPPET_SCAN_CHARS}) as body
      from search_index
      join search_documents d on d.id = search_index.rowid
      join plans p on p.id = d.plan_id
      where search_index match ${ftsMatchExpression(parsed.terms)} and ${visible}
      order by bm25(search_index, 4.0, 1.0)
      limit ${MAX_RESULTS}
    `);
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
