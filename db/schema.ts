import { sql } from "drizzle-orm";
import {
  type AnySQLiteColumn,
  blob,
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";
import { ROLES, SIDES } from "../app/shared/permissions";
import type { PlanTemplate } from "../app/shared/template-schema";

const createdAt = () =>
  integer("created_at", { mode: "timestamp_ms" })
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`);

export const users = sqliteTable("users", {
  id: text("id").primaryKey(),
  email: text("email").notNull().unique(),
  name: text("name").notNull(),
  organisation: text("organisation").notNull(),
  side: text("side", { enum: SIDES }).notNull(),
  passwordHash: text("password_hash").notNull(),
  createdAt: createdAt(),
});

export const sessions = sqliteTable(
  "sessions",
  {
    /**
     * SHA-256 (hex) of the random id in the session cookie: whoever reads the database cannot
     * sign in with what they read.
     */
    idHash: text("id_hash").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

export const plans = sqliteTable("plans", {
  id: text("id").primaryKey(),
  title: text("title").notNull(),
  area: text("area").notNull(),
  templateId: text("template_id").notNull(),
  /** The template as it was when the plan was made, so later template edits never break it. */
  template: text("template", { mode: "json" }).$type<PlanTemplate>().notNull(),
  createdBy: text("created_by").references(() => users.id),
  createdAt: createdAt(),
});

export const planMembers = sqliteTable(
  "plan_members",
  {
    planId: text("plan_id")
      .notNull()
      .references(() => plans.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: ROLES }).notNull(),
    /** An owner who also signs off sections for their side (signatories always do). */
    signsOff: integer("signs_off", { mode: "boolean" }).notNull().default(false),
    addedAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.planId, t.userId] }), index("plan_members_user_idx").on(t.userId)],
);

/**
 * Append-only log of Yjs updates, folded into plan_snapshots by compaction. Keyed by plan and a
 * per-plan sequence number and stored WITHOUT ROWID (migration 0005; drizzle cannot declare it),
 * so storing a keystroke dirties one b-tree page instead of a table page, an index page and
 * sqlite_sequence: see docs/decisions/0009-update-log-without-rowid.md.
 */
export const planUpdates = sqliteTable(
  "plan_updates",
  {
    planId: text("plan_id")
      .notNull()
      .references(() => plans.id, { onDelete: "cascade" }),
    /** Counts on from the plan's latest snapshot's upToUpdateId, so it never repeats. */
    seq: integer("seq").notNull(),
    update: blob("update", { mode: "buffer" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.planId, t.seq] })],
);

/** A plan's whole Yjs state, covering every update up to and including `upToUpdateId`. */
export const planSnapshots = sqliteTable(
  "plan_snapshots",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    planId: text("plan_id")
      .notNull()
      .references(() => plans.id, { onDelete: "cascade" }),
    state: blob("state", { mode: "buffer" }).notNull(),
    upToUpdateId: integer("up_to_update_id").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("plan_snapshots_plan_idx").on(t.planId, t.id)],
);

export const auditEvents = sqliteTable(
  "audit_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    planId: text("plan_id").references(() => plans.id, { onDelete: "cascade" }),
    userId: text("user_id").references(() => users.id, { onDelete: "set null" }),
    type: text("type").notNull(),
    detail: text("detail", { mode: "json" }).$type<Record<string, unknown>>(),
    createdAt: createdAt(),
  },
  (t) => [index("audit_events_plan_idx").on(t.planId, t.id)],
);

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
export type Plan = typeof plans.$inferSelect;
export type PlanMember = typeof planMembers.$inferSelect;
export type AuditEvent = typeof auditEvents.$inferSelect;

/** Server-wide values that must survive restarts, such as the generated session secret. */
export const settings = sqliteTable("settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

/** Templates people imported through the UI or API, each visible to the person who imported it. */
export const importedTemplates = sqliteTable(
  "imported_templates",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    templateId: text("template_id").notNull(),
    template: text("template", { mode: "json" }).$type<PlanTemplate>().notNull(),
    importedBy: text("imported_by")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("imported_templates_owner_id_idx").on(t.importedBy, t.templateId)],
);

/**
 * A signatory's sign-off of one section for their side. Records are never deleted: revoking or
 * re-signing sets `revokedAt`, and a record made stale by an edit keeps when and by whom.
 */
export const signoffs = sqliteTable(
  "signoffs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    planId: text("plan_id")
      .notNull()
      .references(() => plans.id, { onDelete: "cascade" }),
    sectionKey: text("section_key").notNull(),
    side: text("side", { enum: SIDES }).notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    signedAt: createdAt(),
    /** SHA-256 of the section's canonical content (rich text and rows) at signing. */
    contentHash: text("content_hash").notNull(),
    /** The section alone as an encoded Yjs document, so the signed wording can be shown later. */
    sectionState: blob("section_state", { mode: "buffer" }).notNull(),
    staleAt: integer("stale_at", { mode: "timestamp_ms" }),
    /** Who made the edit that turned it stale, when the edit came from a signed-in user. */
    staleBy: text("stale_by").references(() => users.id),
    revokedAt: integer("revoked_at", { mode: "timestamp_ms" }),
    revokedBy: text("revoked_by").references(() => users.id),
  },
  (t) => [
    index("signoffs_plan_section_idx").on(t.planId, t.sectionKey),
    uniqueIndex("signoffs_one_active_per_side_idx")
      .on(t.planId, t.sectionKey, t.side)
      .where(sql`${t.revokedAt} is null`),
  ],
);

export type Signoff = typeof signoffs.$inferSelect;

/**
 * Comments live here, not in the Y.Doc: reviewers comment but may not write to the document.
 * A thread is a comment without a parent and its replies. Anchors are Yjs relative positions
 * (encoded) in the section's fragment, so they follow the text as others edit it.
 */
export const comments = sqliteTable(
  "comments",
  {
    id: text("id").primaryKey(),
    planId: text("plan_id")
      .notNull()
      .references(() => plans.id, { onDelete: "cascade" }),
    sectionKey: text("section_key").notNull(),
    parentId: text("parent_id").references((): AnySQLiteColumn => comments.id, { onDelete: "cascade" }),
    authorId: text("author_id")
      .notNull()
      .references(() => users.id),
    body: text("body").notNull(),
    /** The words the thread was made on, kept when they are deleted from the text. */
    quote: text("quote"),
    anchorStart: blob("anchor_start", { mode: "buffer" }),
    anchorEnd: blob("anchor_end", { mode: "buffer" }),
    /** Ids of the plan members the body mentions with @Name. */
    mentions: text("mentions", { mode: "json" })
      .$type<string[]>()
      .notNull()
      .default(sql`'[]'`),
    createdAt: createdAt(),
    editedAt: integer("edited_at", { mode: "timestamp_ms" }),
    deletedAt: integer("deleted_at", { mode: "timestamp_ms" }),
    resolvedAt: integer("resolved_at", { mode: "timestamp_ms" }),
    resolvedBy: text("resolved_by").references(() => users.id),
  },
  (t) => [index("comments_plan_idx").on(t.planId, t.createdAt)],
);

export type Comment = typeof comments.$inferSelect;

/**
 * How a plan shows in the plans list: when its document last changed (written at most once a
 * minute while people type) and whether an owner archived it (hidden from the list by default).
 */
export const planListStates = sqliteTable("plan_list_states", {
  planId: text("plan_id")
    .primaryKey()
    .references(() => plans.id, { onDelete: "cascade" }),
  editedAt: integer("edited_at", { mode: "timestamp_ms" }),
  archivedAt: integer("archived_at", { mode: "timestamp_ms" }),
});
export type PlanListState = typeof planListStates.$inferSelect;
