import { and, asc, count, eq, inArray, isNull } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Store } from "../../db/store.server";
import type { Comment, comments } from "../../db/schema";

type Person = { id: string; name: string; organisation: string };

/** A comment with who wrote it and who resolved its thread. */
export interface CommentRow {
  comment: Comment;
  author: Person;
  resolvedBy: Person | null;
}

/** Where comments are kept, on either store (decision 0047); each call is one statement. */
export class CommentStore {
  constructor(private readonly store: Store) {}

  /**
   * The plan's comments in the order they were made. By creation time, then id: PostgreSQL has
   * no `rowid` to give insertion order, and the (plan, created) index serves this order. Two
   * comments of one plan in the same millisecond (two requests) keep a stable, if arbitrary, order.
   */
  async rows(planId: string): Promise<CommentRow[]> {
    const { comments, users } = this.store.tables;
    // Aliased from the store's own table, so that PostgreSQL's alias renders as PostgreSQL.
    const author = alias(users, "author");
    const resolver = alias(users, "resolver");
    return this.store.db
      .select({
        comment: comments,
        author: { id: author.id, name: author.name, organisation: author.organisation },
        resolvedBy: { id: resolver.id, name: resolver.name, organisation: resolver.organisation },
      })
      .from(comments)
      .innerJoin(author, eq(author.id, comments.authorId))
      .leftJoin(resolver, eq(resolver.id, comments.resolvedBy))
      .where(eq(comments.planId, planId))
      .orderBy(asc(comments.createdAt), asc(comments.id));
  }

  async find(planId: string, commentId: string): Promise<Comment | undefined> {
    const { comments } = this.store.tables;
    const [row] = await this.store.db
      .select()
      .from(comments)
      .where(and(eq(comments.planId, planId), eq(comments.id, commentId)));
    return row;
  }

  async insert(comment: typeof comments.$inferInsert): Promise<void> {
    await this.store.db.insert(this.store.tables.comments).values(comment);
  }

  async update(commentId: string, change: Partial<typeof comments.$inferInsert>): Promise<void> {
    const { comments } = this.store.tables;
    await this.store.db.update(comments).set(change).where(eq(comments.id, commentId));
  }

  /** Per plan, its threads neither resolved nor deleted. */
  async openThreadCounts(planIds: readonly string[]): Promise<Map<string, number>> {
    if (planIds.length === 0) return new Map();
    const { comments } = this.store.tables;
    const rows = await this.store.db
      .select({ planId: comments.planId, count: count() })
      .from(comments)
      .where(
        and(
          inArray(comments.planId, [...planIds]),
          isNull(comments.parentId),
          isNull(comments.deletedAt),
          isNull(comments.resolvedAt),
        ),
      )
      .groupBy(comments.planId);
    return new Map(rows.map((row) => [row.planId, row.count]));
  }
}
