import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../../db/schema";
import type { Store } from "../../db/store.server";
import { CommentStore } from "../../server/comments/comment-store.server";
import { commentNotices } from "../../server/notifications/comment-notices.server";
import { TEMPLATES_DIR } from "../../server/services.server";
import { loadTemplates } from "../../server/templates/template-files.server";
import { openTestStore, STORE_KINDS, type TestStore } from "../support/stores";

const template = loadTemplates(TEMPLATES_DIR).get("single-budget-for-a-place")!;

function person(id: string) {
  return {
    id,
    email: `${id}@example.org`,
    name: id,
    organisation: `${id}'s council`,
    side: "local" as const,
    passwordHash: "x",
  };
}

describe.each(STORE_KINDS)("comments on the %s store", (kind) => {
  let opened: TestStore;
  let store: Store;
  let comments: CommentStore;
  let plan: Plan;
  const at = new Date(Date.UTC(2026, 4, 1, 9, 30, 0, 250));

  function comment(id: string, authorId: string, extra: Record<string, unknown> = {}) {
    return { id, planId: plan.id, sectionKey: "governance", authorId, body: `words of ${id}`, ...extra };
  }

  beforeAll(async () => {
    opened = await openTestStore(kind);
    store = opened.store;
    comments = new CommentStore(store);
    const { plans, users } = store.tables;
    await store.db.insert(users).values([person("ann"), person("bob"), person("cat")]);
    [plan] = (await store.db
      .insert(plans)
      .values({ id: "p1", title: "Pooled budget", area: "Swindon", templateId: template.id, template })
      .returning()) as [Plan];
    await store.db
      .insert(plans)
      .values({ id: "p2", title: "Other", area: "Swindon", templateId: template.id, template });
  });
  afterAll(() => opened?.dispose());

  it("reads the plan's comments in the order made, with author and resolver, as written", async () => {
    // Made in the same millisecond, "b" and "a" are ordered by id; "c", made earlier, comes first.
    await comments.insert(comment("b", "bob", { createdAt: at }));
    await comments.insert(
      comment("a", "ann", {
        createdAt: at,
        mentions: ["bob"],
        quote: "the board",
        anchorStart: Buffer.from([1, 2, 3]),
        anchorEnd: Buffer.from([4, 5]),
      }),
    );
    await comments.insert(comment("c", "cat", { createdAt: new Date(at.getTime() - 1) }));
    await comments.insert({ ...comment("elsewhere", "ann"), planId: "p2" });
    await comments.update("a", { resolvedAt: at, resolvedBy: "cat", editedAt: at });
    const rows = await comments.rows(plan.id);
    expect(rows.map((row) => row.comment.id)).toEqual(["c", "a", "b"]);
    const a = rows[1]!;
    expect(a.author).toEqual({ id: "ann", name: "ann", organisation: "ann's council" });
    expect(a.resolvedBy).toEqual({ id: "cat", name: "cat", organisation: "cat's council" });
    expect(rows[0]!.resolvedBy).toBeNull();
    expect(a.comment).toMatchObject({
      mentions: ["bob"],
      quote: "the board",
      anchorStart: Buffer.from([1, 2, 3]),
      anchorEnd: Buffer.from([4, 5]),
      createdAt: at,
      editedAt: at,
      resolvedAt: at,
      deletedAt: null,
      parentId: null,
    });
    expect(await comments.find(plan.id, "a")).toMatchObject({ id: "a", resolvedBy: "cat" });
    expect(await comments.find("p2", "a")).toBeUndefined();
  });

  it("counts open threads per plan: not replies, not resolved, not deleted", async () => {
    await comments.insert(comment("reply", "bob", { parentId: "b" }));
    await comments.insert(comment("gone", "bob", { deletedAt: at }));
    const counts = await comments.openThreadCounts([plan.id, "p2", "none"]);
    expect(counts).toEqual(
      new Map([
        [plan.id, 2],
        ["p2", 1],
      ]),
    );
    expect(await comments.openThreadCounts([])).toEqual(new Map());
  });

  it("tells a reply to the thread's other writers once each, the mentioned as mentioned", async () => {
    await comments.insert(comment("reply-2", "cat", { parentId: "b" }));
    await comments.insert(comment("reply-deleted", "ann", { parentId: "b", deletedAt: at }));
    const notices = await commentNotices(
      store,
      plan,
      { id: "new", sectionKey: "governance", parentId: "b", mentions: ["cat"], body: "I agree" },
      { id: "ann", name: "ann" },
    );
    expect(notices.map((n) => [n.userId, n.type]).sort()).toEqual([
      ["bob", "reply"],
      ["cat", "mention"],
    ]);
  });
});
