import { and, eq, isNull, or } from "drizzle-orm";
import type { Store } from "../../db/store.server";
import type { Plan } from "../../db/schema";
import type { NotificationInput } from "./notification-service.server";
import { sectionUrl } from "./plan-notices.server";

/**
 * Who a comment tells: the members it mentions, and, for a reply, everyone else who wrote in
 * the thread. One event per comment, so someone both mentioned and in the thread is told once
 * (as mentioned).
 */
export async function commentNotices(
  store: Store,
  plan: Plan,
  comment: { id: string; sectionKey: string; parentId: string | null; mentions: string[]; body: string },
  author: { id: string; name: string },
): Promise<NotificationInput[]> {
  const section = plan.template.sections.find((s) => s.key === comment.sectionKey);
  const where = `“${section?.title ?? comment.sectionKey}” in ${plan.title}`;
  const base = {
    planId: plan.id,
    sectionKey: comment.sectionKey,
    url: sectionUrl(plan.id, comment.sectionKey),
    eventKey: `comment:${comment.id}`,
    // The email carries what was written, so it can be read (and often answered) from the inbox.
    detail: `${author.name} wrote:\n${quoted(comment.body)}`,
  };
  const mentioned: NotificationInput[] = comment.mentions.map((userId) => ({
    ...base,
    userId,
    type: "mention",
    text: `${author.name} mentioned you in a comment on ${where}`,
  }));
  if (!comment.parentId) return mentioned;
  const { comments } = store.tables;
  const threadAuthors = (
    await store.db
      .selectDistinct({ authorId: comments.authorId })
      .from(comments)
      .where(
        and(or(eq(comments.id, comment.parentId), eq(comments.parentId, comment.parentId)), isNull(comments.deletedAt)),
      )
  )
    .map((row) => row.authorId)
    .filter((id) => !comment.mentions.includes(id));
  return [
    ...mentioned,
    ...threadAuthors.map((userId) => ({
      ...base,
      userId,
      type: "reply" as const,
      text: `${author.name} replied in a thread on ${where}`,
    })),
  ];
}

/** A comment's words as the email quotes them, each line of it a paragraph. */
function quoted(body: string): string {
  return body
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => `“${line}”`)
    .join("\n");
}
