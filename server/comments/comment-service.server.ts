import { randomUUID } from "node:crypto";
import type * as Y from "yjs";
import type { NewComment } from "../../app/shared/comment-input";
import { Refusal } from "../../app/shared/errors";
import { canComment, canEdit, type Role } from "../../app/shared/permissions";
import type { CommentView } from "../../app/shared/plan-events";
import type { Store } from "../../db/store.server";
import type { Plan } from "../../db/schema";
import type { SessionUser } from "../auth/sessions.server";
import type { RoomRegistry } from "../collab/rooms.server";
import type { MemberService, MemberView } from "../plans/members.server";
import { commentNotices } from "../notifications/comment-notices.server";
import type { NotificationSink } from "../notifications/notification-service.server";
import { encodeAnchor, resolveAnchor, validateAnchor } from "./anchors.server";
import { CommentStore, type CommentRow } from "./comment-store.server";

/**
 * Comment threads on a plan's sections. Anyone who may comment starts threads and replies; the
 * thread's author or anyone who may edit the plan resolves and reopens it; people edit and
 * delete only their own comments. Every change is pushed to the plan's open clients.
 */
export class CommentService {
  private readonly comments: CommentStore;

  constructor(
    private readonly store: Store,
    private readonly rooms: RoomRegistry,
    private readonly members: MemberService,
    private readonly notifications?: NotificationSink,
  ) {
    this.comments = new CommentStore(store);
  }

  /** Every thread of the plan, oldest first, with where each anchor is now. */
  async list(plan: Plan): Promise<CommentView[]> {
    return this.rooms.read(plan.id, await this.viewer(plan));
  }

  /**
   * Per plan, its open threads: first comments neither resolved nor deleted (those `list`
   * shows with `parentId` null, `deleted` false and no `resolvedAt`).
   */
  openThreadCounts(planIds: readonly string[]): Promise<Map<string, number>> {
    return this.comments.openThreadCounts(planIds);
  }

  async create(plan: Plan, user: SessionUser, role: Role, input: NewComment): Promise<CommentView> {
    if (!canComment(role)) throw new Refusal("forbidden", "viewers cannot comment; ask an owner for another role");
    const section = plan.template.sections.find((candidate) => candidate.key === input.sectionKey);
    if (!section) throw new Refusal("invalid", `sectionKey: section "${input.sectionKey}" is not in this plan`);
    const parent = input.parentId ? await this.comments.find(plan.id, input.parentId) : null;
    if (input.parentId && !parent)
      throw new Refusal("invalid", `parentId: no comment "${input.parentId}" in this plan`);
    if (parent) {
      if (parent.parentId !== null)
        throw new Refusal("invalid", "parentId: reply to the thread's first comment, not to a reply");
      if (parent.sectionKey !== input.sectionKey)
        throw new Refusal("invalid", "sectionKey: a reply belongs to its thread's section");
      if (parent.deletedAt) throw new Refusal("invalid", "parentId: that thread was deleted");
      if (input.anchor) throw new Refusal("invalid", "anchor: a reply has no anchor of its own");
    }
    const anchored = input.anchor
      ? await this.rooms.read(plan.id, (doc) => validateAnchor(doc, input.sectionKey, input.anchor!))
      : null;
    const id = randomUUID();
    await this.comments.insert({
      id,
      planId: plan.id,
      sectionKey: input.sectionKey,
      parentId: parent?.id ?? null,
      authorId: user.id,
      body: input.body,
      // The server's reading of the anchor wins over what the client says it covered.
      // A quote is only ever the server's reading of an anchor: one a client sent alone
      // would be shown as the plan's words without being them.
      quote: anchored ? anchored.text : null,
      anchorStart: anchored ? Buffer.from(anchored.stored.start) : null,
      anchorEnd: anchored ? Buffer.from(anchored.stored.end) : null,
      mentions: await this.mentionedMembers(plan.id, input.body),
    });
    const view = (await this.changed(plan, [id]))[0]!;
    await this.notifyAbout(plan, id, user);
    return view;
  }

  async edit(plan: Plan, user: SessionUser, role: Role, commentId: string, body: string): Promise<CommentView> {
    const comment = await this.requireOwn(plan, user, role, commentId, "edit");
    await this.comments.update(comment.id, {
      body,
      editedAt: new Date(),
      mentions: await this.mentionedMembers(plan.id, body),
    });
    const view = (await this.changed(plan, [comment.id]))[0]!;
    // Someone mentioned by the edit is told; those told before are not told again.
    await this.notifyAbout(plan, comment.id, user);
    return view;
  }

  /** Deleting keeps the row, so a thread's replies keep their place; its text is dropped. */
  async remove(plan: Plan, user: SessionUser, role: Role, commentId: string): Promise<void> {
    const comment = await this.requireOwn(plan, user, role, commentId, "delete");
    await this.comments.update(comment.id, { body: "", mentions: [], deletedAt: new Date() });
    // A deleted first comment is shown only while it has replies: its last one going hides it.
    await this.changed(plan, comment.parentId ? [comment.id, comment.parentId] : [comment.id]);
  }

  async setResolved(
    plan: Plan,
    user: SessionUser,
    role: Role,
    commentId: string,
    resolved: boolean,
  ): Promise<CommentView> {
    const comment = await this.comments.find(plan.id, commentId);
    if (!comment || comment.deletedAt) throw new Refusal("not-found", "comment not found");
    if (comment.parentId !== null)
      throw new Refusal("invalid", "only a thread's first comment is resolved or reopened");
    if (!canComment(role) || (comment.authorId !== user.id && !canEdit(role))) {
      throw new Refusal(
        "forbidden",
        "only the thread's author or someone who may edit the plan resolves or reopens it",
      );
    }
    if ((comment.resolvedAt !== null) === resolved) {
      throw new Refusal("conflict", resolved ? "the thread is already resolved" : "the thread is already open");
    }
    await this.comments.update(
      comment.id,
      resolved ? { resolvedAt: new Date(), resolvedBy: user.id } : { resolvedAt: null, resolvedBy: null },
    );
    return (await this.changed(plan, [comment.id]))[0]!;
  }

  /**
   * Reads the plan's comments, and answers the function that shows them as clients see them,
   * oldest first, against a document (run at a room's cut: `rooms.read`); with `only`, just
   * those of them (a comment's anchor is resolved against its section's text, so that is what
   * is spared). The comments are read first, as a store's reads cannot wait inside a cut.
   */
  async viewer(plan: Plan, only?: ReadonlySet<string>): Promise<(doc: Y.Doc) => CommentView[]> {
    const rows = await this.comments.rows(plan.id);
    const members = await this.members.list(plan.id);
    return (doc) => this.view(plan, doc, rows, members, only);
  }

  private view(
    plan: Plan,
    doc: Y.Doc,
    rows: CommentRow[],
    members: MemberView[],
    only?: ReadonlySet<string>,
  ): CommentView[] {
    const liveReplies = new Set(
      rows.filter((r) => r.comment.parentId && !r.comment.deletedAt).map((r) => r.comment.parentId),
    );
    const names = new Map(rows.map((r) => [r.author.id, r.author.name]));
    for (const member of members) names.set(member.userId, member.name);
    return rows
      .filter(({ comment }) => !only || only.has(comment.id))
      .filter(({ comment }) => !comment.deletedAt || (comment.parentId === null && liveReplies.has(comment.id)))
      .map(({ comment, author, resolvedBy }) => {
        const anchor =
          comment.anchorStart && comment.anchorEnd ? { start: comment.anchorStart, end: comment.anchorEnd } : null;
        const resolution = anchor ? resolveAnchor(doc, comment.sectionKey, anchor) : null;
        return {
          id: comment.id,
          sectionKey: comment.sectionKey,
          parentId: comment.parentId,
          author,
          body: comment.body,
          quote: comment.quote,
          anchor: anchor ? encodeAnchor(anchor) : null,
          anchorStatus: resolution?.status ?? "none",
          anchoredText: resolution?.status === "anchored" ? resolution.text : null,
          mentions: comment.mentions.map((id) => ({ id, name: names.get(id) ?? "former member" })),
          createdAt: comment.createdAt.toISOString(),
          editedAt: comment.editedAt?.toISOString() ?? null,
          deleted: comment.deletedAt !== null,
          resolvedAt: comment.resolvedAt?.toISOString() ?? null,
          resolvedBy,
        };
      });
  }

  /**
   * Tells the plan's open clients what became of these comments: one change is one small
   * message, whatever the number of comments on the plan. Answers their views, in order.
   */
  private async changed(plan: Plan, ids: string[]): Promise<CommentView[]> {
    const views = await this.rooms.read(plan.id, await this.viewer(plan, new Set(ids)));
    const shown = new Set(views.map((view) => view.id));
    this.rooms.publish(plan.id, {
      type: "comment-changes",
      changed: views,
      removed: ids.filter((id) => !shown.has(id)),
    });
    return views;
  }

  private async requireOwn(plan: Plan, user: SessionUser, role: Role, commentId: string, action: "edit" | "delete") {
    if (!canComment(role))
      throw new Refusal("forbidden", `viewers cannot ${action} comments; ask an owner for another role`);
    const comment = await this.comments.find(plan.id, commentId);
    if (!comment || comment.deletedAt) throw new Refusal("not-found", "comment not found");
    if (comment.authorId !== user.id) throw new Refusal("forbidden", `you can only ${action} your own comments`);
    return comment;
  }

  /** Members named as `@Full Name` in the body. */
  private async notifyAbout(plan: Plan, commentId: string, author: SessionUser): Promise<void> {
    if (!this.notifications) return;
    const comment = await this.comments.find(plan.id, commentId);
    if (comment) await this.notifications.notify(await commentNotices(this.store, plan, comment, author), author.id);
  }

  private async mentionedMembers(planId: string, body: string): Promise<string[]> {
    return (await this.members.list(planId))
      .filter((member) => body.includes(`@${member.name}`))
      .map((member) => member.userId);
  }
}
