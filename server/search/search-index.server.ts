import { sql, type SQL } from "drizzle-orm";
import { ftsMatchExpression, type SearchTerm } from "../../app/shared/search-query";
import type { Store } from "../../db/store.server";
import { SNIPPET_SCAN_CHARS } from "./snippets.server";

/** A matching search document, with the start of its body for the snippet. */
export interface SearchHit {
  planId: string;
  planTitle: string;
  sectionKey: string;
  sectionTitle: string;
  body: string;
}

export interface HitQuery {
  terms: readonly SearchTerm[];
  /** The ids of the plans the viewer may read, as SQL; null for every plan (an admin). */
  readable: SQL | null;
  limit: number;
}

/**
 * The one place full-text search is written per dialect (decision 0047): FTS5's `search_index`
 * on SQLite, the generated `search_vector` (title weighted A, body B, `english`) on PostgreSQL.
 * Both take the same parsed terms: every term must appear, a phrase's words in order, the last
 * word typed also as a prefix; both stem English ("budgets" finds "budget"); the title counts
 * four times the body in the ranking.
 */
export function searchHits(store: Store, query: HitQuery): Promise<SearchHit[]> {
  const { searchDocuments: d, plans: p } = store.tables;
  const visible = query.readable ? sql`${d.planId} in ${query.readable}` : sql`1 = 1`;
  // Quoted aliases: PostgreSQL folds unquoted ones to lowercase.
  const columns = sql`${d.planId} as "planId", ${p.title} as "planTitle", ${d.sectionKey} as "sectionKey",
    ${d.title} as "sectionTitle", substr(${d.body}, 1, ${SNIPPET_SCAN_CHARS}) as "body"`;
  if (store.dialect === "sqlite") {
    return store.rows<SearchHit>(
      store.db,
      sql`select ${columns}
        from search_index
        join ${d} on ${d.id} = search_index.rowid
        join ${p} on ${p.id} = ${d.planId}
        where search_index match ${ftsMatchExpression(query.terms)} and ${visible}
        order by bm25(search_index, 4.0, 1.0)
        limit ${query.limit}`,
    );
  }
  const tsquery = sql`to_tsquery('english', ${tsQueryExpression(query.terms)})`;
  return store.rows<SearchHit>(
    store.db,
    sql`select ${columns}
      from ${d}
      join ${p} on ${p.id} = ${d.planId}
      where search_vector @@ ${tsquery} and ${visible}
      order by ts_rank('{0, 0, 0.25, 1}', search_vector, ${tsquery}) desc, ${d.id}
      limit ${query.limit}`,
  );
}

/**
 * The terms as a `to_tsquery` expression, as `ftsMatchExpression` writes them for FTS5: terms
 * joined by `&`, a phrase's words by `<->`, a prefix as `:*`. The parsed words hold only letters
 * and digits, so no input reaches `to_tsquery` as its syntax.
 */
export function tsQueryExpression(terms: readonly SearchTerm[]): string {
  return terms
    .map((term) => {
      const words = term.words.map((word) => `'${word}'`).join(" <-> ");
      return term.prefix ? `${words}:*` : term.words.length > 1 ? `(${words})` : words;
    })
    .join(" & ");
}
