import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { SqliteDb } from "../../db/client.server";
import { comments, users, type Comment } from "../../db/schema";

const author = alias(users, "author");
const resolver = alias(users, "resolver");

type Person = { id: string; name: string; organisation: string };

/** A comment with who wrote it and who resolved its thread. */
export interface CommentRow {
  comment: Comment;
  author: Person;
  resolvedBy: Person | null;
}

/**
 * Where comments are kept. Every call is asynchronous, so a store across the network
 * (PostgreSQL) can take the place of SQLite's (decision 0042); each is one statement.
 */
export interface CommentStore {
  /** The plan's comments in the order they were made. */
  rows(planId: string): Promise<CommentRow[]>;
  find(planId: string, commentId: string): Promise<Comment | undefined>;
  insert(comment: typeof comments.$inferInsert): Promise<void>;
  update(commentId: string, change: Partial<typeof comments.$inferInsert>): Promise<void>;
  /** Per plan, its threads neither resolved nor deleted. */
  openThreadCounts(planIds: readonly string[]): Promise<Map<string, number>>;
}

export class SqliteCommentStore implements CommentStore {
  constructor(private readonly db: SqliteDb) {}

  async rows(planId: string): Promise<CommentRow[]> {
    return this.db
      .select({
        comment: comments,
        author: { id: author.id, name: author.name, organisation: author.organisation },
        resolvedBy: { id: resolver.id, name: resolver.name, organisation: resolver.organisation },
      })
      .from(comments)
      .innerJoin(author, eq(author.id, comments.authorId))
      .leftJoin(resolver, eq(resolver.id, comments.resolvedBy))
      .where(eq(comments.planId, planId))
      .orderBy(sql`${comments}.rowid`)
      .all();
  }

  async find(planId: string, commentId: string): Promise<Comment | undefined> {
    return this.db
      .select()
      .from(comments)
      .where(and(eq(comments.planId, planId), eq(comments.id, commentId)))
      .get();
  }

  async insert(comment: typeof comments.$inferInsert): Promise<void> {
    this.db.insert(comments).values(comment).run();
  }

  async update(commentId: string, change: Partial<typeof comments.$inferInsert>): Promise<void> {
    this.db.update(comments).set(change).where(eq(comments.id, commentId)).run();
  }

  async openThreadCounts(planIds: readonly string[]): Promise<Map<string, number>> {
    if (planIds.length === 0) return new Map();
    const rows = this.db
      .select({ planId: comments.planId, count: sql<number>`count(*)` })
      .from(comments)
      .where(
        and(
          inArray(comments.planId, [...planIds]),
          isNull(comments.parentId),
          isNull(comments.deletedAt),
          isNull(comments.resolvedAt),
        ),
      )
      .groupBy(comments.planId)
      .all();
    return new Map(rows.map((row) => [row.planId, row.count]));
  }
}
