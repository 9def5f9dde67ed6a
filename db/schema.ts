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
import { NOTIFICATION_TYPES } from "../app/shared/notification-types";
import { ROLES, SIDES, type Side } from "../app/shared/permissions";
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
  /** An instance administrator: lists, invites and deactivates users at /admin. */
  isAdmin: integer("is_admin", { mode: "boolean" }).notNull().default(false),
  /** A deactivated user cannot sign in; their sessions ended when this was set. */
  deactivatedAt: integer("deactivated_at", { mode: "timestamp_ms" }),
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
 * Append-only log of Yjs updates, folded into plan_snapshots by compaction. `seq` is handed out
 * by the database (AUTOINCREMENT: never reused, even after compaction deletes the newest rows),
 * not computed by the writer, so a second writer can never be given the same number: see
 * docs/decisions/0042-storage-and-events-behind-interfaces.md, which amends decision 0009.
 */
export const planUpdates = sqliteTable(
  "plan_updates",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    planId: text("plan_id")
      .notNull()
      .references(() => plans.id, { onDelete: "cascade" }),
    update: blob("update", { mode: "buffer" }).notNull(),
  },
  (t) => [index("plan_updates_plan_idx").on(t.planId, t.seq)],
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

/**
 * The audit log: one hash chain per plan and one for the instance (`planId` null), each entry
 * linked to the one before it (server/plans/audit-chain.server.ts). Entries are never changed
 * or deleted (triggers refuse it), so the plan id is no foreign key: deleting a plan keeps its
 * entries, and a user named in the log cannot be deleted (users are deactivated instead).
 */
export const auditEvents = sqliteTable(
  "audit_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    planId: text("plan_id"),
    userId: text("user_id").references(() => users.id),
    type: text("type").notNull(),
    detail: text("detail", { mode: "json" }).$type<Record<string, unknown>>(),
    createdAt: createdAt(),
    /**
     * The hash of the entry before it in its chain (64 zeros for the first) and this entry's own.
     * '' only on rows copied from before the chain, until opening the database links them; the
     * insert trigger refuses '' for anything new.
     */
    prevHash: text("prev_hash").notNull().default(""),
    hash: text("hash").notNull().default(""),
  },
  // The migration adds by hand what drizzle-kit cannot write: the triggers, and a unique index on
  // (chain, prevHash) so that two writers that read the same head cannot both append to it.
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
    /** The signatory a deputy signed for (`userId` is the deputy); null when people sign for themselves. */
    onBehalfOf: text("on_behalf_of").references((): AnySQLiteColumn => users.id),
    /** The statement signed, written by the server (person, role, organisation, side, section); null before it was kept. */
    meaning: text("meaning"),
    /** How the signer proved it was them at signing (`password`); null before it was asked. */
    method: text("method", { enum: ["password"] }),
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
 * "Request sign-off" on a section: who asked, with what message and by when, of which sides.
 * One is open per section at a time: asking again ends the open one; a return ends it, and so
 * does a fresh sign-off of every side it asked. Reminders of its due date are told once each
 * (their notifications' event keys name the request).
 */
export const signoffRequests = sqliteTable(
  "signoff_requests",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    planId: text("plan_id")
      .notNull()
      .references(() => plans.id, { onDelete: "cascade" }),
    sectionKey: text("section_key").notNull(),
    requestedBy: text("requested_by")
      .notNull()
      .references(() => users.id),
    requestedAt: createdAt(),
    /** The sides still to sign when it was asked. */
    sides: text("sides", { mode: "json" }).$type<Side[]>().notNull(),
    message: text("message"),
    /** `YYYY-MM-DD`, a UK date. */
    dueDate: text("due_date"),
    endedAt: integer("ended_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("signoff_requests_plan_section_idx").on(t.planId, t.sectionKey)],
);

/**
 * A signatory sending a section back with a reason. It stands until the section's content no
 * longer hashes as it did when returned (`clearedAt` is set when an edit is seen to change it).
 */
export const signoffReturns = sqliteTable(
  "signoff_returns",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    planId: text("plan_id")
      .notNull()
      .references(() => plans.id, { onDelete: "cascade" }),
    sectionKey: text("section_key").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    side: text("side", { enum: SIDES }).notNull(),
    reason: text("reason").notNull(),
    contentHash: text("content_hash").notNull(),
    returnedAt: createdAt(),
    clearedAt: integer("cleared_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("signoff_returns_plan_section_idx").on(t.planId, t.sectionKey)],
);

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
 * The mail queue and, with no SMTP_URL, the outbox: every message is stored here before it is
 * sent, so a restart loses none and an SMTP outage never holds up a request. `status` is
 * `pending` (waiting for its next attempt), `sent`, `kept` (no SMTP: shown at /admin/outbox),
 * `skipped` (its notifications were read in the app first) or `failed` (out of attempts).
 */
export const mailMessages = sqliteTable(
  "mail_messages",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    to: text("to").notNull(),
    subject: text("subject").notNull(),
    text: text("text").notNull(),
    html: text("html").notNull(),
    status: text("status", { enum: ["pending", "sent", "kept", "skipped", "failed"] })
      .notNull()
      .default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at", { mode: "timestamp_ms" }).notNull(),
    lastError: text("last_error"),
    /** The notifications this message tells of: when every one is read first, it is not sent. */
    notificationIds: text("notification_ids", { mode: "json" })
      .$type<number[]>()
      .notNull()
      .default(sql`'[]'`),
    createdAt: createdAt(),
    sentAt: integer("sent_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("mail_messages_due_idx").on(t.status, t.nextAttemptAt)],
);

export type MailMessage = typeof mailMessages.$inferSelect;

/** An invitation to a plan for an email nobody has; the link's token is stored hashed. */
export const invitations = sqliteTable(
  "invitations",
  {
    id: text("id").primaryKey(),
    tokenHash: text("token_hash").notNull().unique(),
    email: text("email").notNull(),
    /** Null for an administrator's invitation to the instance rather than to one plan. */
    planId: text("plan_id").references(() => plans.id, { onDelete: "cascade" }),
    role: text("role", { enum: ROLES }),
    organisation: text("organisation").notNull(),
    side: text("side", { enum: SIDES }).notNull(),
    invitedBy: text("invited_by")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    acceptedAt: integer("accepted_at", { mode: "timestamp_ms" }),
    withdrawnAt: integer("withdrawn_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("invitations_plan_idx").on(t.planId), index("invitations_email_idx").on(t.email)],
);

export type Invitation = typeof invitations.$inferSelect;

/** A password-reset link: its token hashed, good for an hour and once. */
export const passwordResets = sqliteTable(
  "password_resets",
  {
    tokenHash: text("token_hash").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    usedAt: integer("used_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("password_resets_user_idx").on(t.userId)],
);

/** One per event per person; `eventKey` names the event, so the same one is never told twice. */
export const notifications = sqliteTable(
  "notifications",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    type: text("type", { enum: NOTIFICATION_TYPES }).notNull(),
    planId: text("plan_id").references(() => plans.id, { onDelete: "cascade" }),
    text: text("text").notNull(),
    url: text("url").notNull(),
    eventKey: text("event_key").notNull(),
    /** The section it is about, when it is about one (a sign-off request is not emailed once that is signed). */
    sectionKey: text("section_key"),
    /** What its email says besides `text` (a comment's words, a request's message), one paragraph a line. */
    detail: text("detail"),
    createdAt: createdAt(),
    readAt: integer("read_at", { mode: "timestamp_ms" }),
    /** When an email (alone or in a digest) was queued for it; the epoch when it was decided none. */
    mailedAt: integer("mailed_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    uniqueIndex("notifications_event_idx").on(t.userId, t.eventKey),
    index("notifications_user_idx").on(t.userId, t.id),
  ],
);

export type Notification = typeof notifications.$inferSelect;

/** The notification types a person turned email off for (in the app they always show). */
export const notificationOptOuts = sqliteTable(
  "notification_opt_outs",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    type: text("type", { enum: NOTIFICATION_TYPES }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.type] })],
);

/**
 * What full-text search reads: one row per section of each plan with its words (the rich text
 * and every table cell), and one with an empty `section_key` for the plan's title and area.
 * The FTS5 index `search_index` (migration 0009; drizzle cannot declare virtual tables) takes
 * its content from here through triggers. `edited_at` is when the words last changed, which
 * the portfolio shows as the plan's last edit.
 */
export const searchDocuments = sqliteTable(
  "search_documents",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    planId: text("plan_id")
      .notNull()
      .references(() => plans.id, { onDelete: "cascade" }),
    sectionKey: text("section_key").notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    editedAt: integer("edited_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [uniqueIndex("search_documents_plan_section_idx").on(t.planId, t.sectionKey)],
);

export type SearchDocument = typeof searchDocuments.$inferSelect;

export const VERSION_KINDS = ["auto", "named", "signoff", "restore"] as const;
export type VersionKind = (typeof VERSION_KINDS)[number];

/**
 * A plan as it was at one moment: its whole Yjs state (to export or restore from) and each
 * section's readable content (to show and compare without rebuilding a document), both
 * compressed. The live document keeps garbage collection on; a version is a copy, not a
 * snapshot into the live document's history.
 */
export const planVersions = sqliteTable(
  "plan_versions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    planId: text("plan_id")
      .notNull()
      .references(() => plans.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: VERSION_KINDS }).notNull(),
    name: text("name"),
    /** Who asked for it; null for the automatic ones. */
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    /** Ids of the people whose edits it is the first version to hold. */
    contributors: text("contributors", { mode: "json" })
      .$type<string[]>()
      .notNull()
      .default(sql`'[]'`),
    /** SHA-256 over every section's content hash: equal plans, equal hashes. */
    contentHash: text("content_hash").notNull(),
    /** `Y.encodeStateAsUpdate` of the plan, brotli-compressed. */
    state: blob("state", { mode: "buffer" }).notNull(),
    /** Each section's rich text, plain text, data and content hash as JSON, brotli-compressed. */
    content: blob("content", { mode: "buffer" }).notNull(),
    /** The sign-off this version pins, for `signoff` versions. */
    signoffId: integer("signoff_id").references(() => signoffs.id),
  },
  (t) => [index("plan_versions_plan_idx").on(t.planId, t.id)],
);

export type PlanVersion = typeof planVersions.$inferSelect;

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

/**
 * The instance's own seal, made on first start when no SEAL_P12_PATH is given: an EC key and a
 * self-signed certificate naming the instance, which seals every exported PDF. One row (id 1).
 */
export const instanceSeals = sqliteTable("instance_seals", {
  id: integer("id").primaryKey(),
  /** PKCS#8 PEM. Whoever holds the database holds this key; a department's own P12 stays outside it. */
  privateKey: text("private_key").notNull(),
  /** The self-signed X.509 certificate, PEM. */
  certificate: text("certificate").notNull(),
  createdAt: createdAt(),
});

export const SUGGESTION_KINDS = ["text", "cell"] as const;
export const SUGGESTION_STATUSES = ["open", "accepted", "rejected", "withdrawn"] as const;

/**
 * Suggestions (decision 0034): every cell proposal, open or decided (they never live in the
 * document), and every narrative suggestion once decided or when made through the API, with
 * its words. Open narrative suggestions typed in the editor live in the document as marks;
 * their id here is the marks' id.
 */
export const suggestions = sqliteTable(
  "suggestions",
  {
    id: text("id").primaryKey(),
    planId: text("plan_id")
      .notNull()
      .references(() => plans.id, { onDelete: "cascade" }),
    sectionKey: text("section_key").notNull(),
    kind: text("kind", { enum: SUGGESTION_KINDS }).notNull(),
    status: text("status", { enum: SUGGESTION_STATUSES }).notNull().default("open"),
    authorId: text("author_id")
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
    /** A narrative suggestion's words taken out and put in. */
    removed: text("removed"),
    added: text("added"),
    /** A cell proposal: the row, the field (`amounts.<year>` for a budget amount), and its values as JSON. */
    rowId: text("row_id"),
    field: text("field"),
    fromValue: text("from_value", { mode: "json" }).$type<string | number | null>(),
    toValue: text("to_value", { mode: "json" }).$type<string | number | null>(),
    decidedBy: text("decided_by").references(() => users.id),
    decidedAt: integer("decided_at", { mode: "timestamp_ms" }),
    reason: text("reason"),
  },
  (t) => [index("suggestions_plan_idx").on(t.planId, t.status)],
);

export type Suggestion = typeof suggestions.$inferSelect;

/**
 * A signatory's deputy for a period (decision 0041): from the start of `fromDate` to the end of
 * `untilDate`, Europe/London days, held as the instants `startsAt` and `endsAt`. `endedAt` is set
 * when the signatory ends it early or a new period replaces it.
 */
export const deputyships = sqliteTable(
  "deputyships",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    signatoryId: text("signatory_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    deputyId: text("deputy_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    fromDate: text("from_date").notNull(),
    untilDate: text("until_date").notNull(),
    startsAt: integer("starts_at", { mode: "timestamp_ms" }).notNull(),
    endsAt: integer("ends_at", { mode: "timestamp_ms" }).notNull(),
    createdAt: createdAt(),
    endedAt: integer("ended_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    index("deputyships_deputy_idx").on(t.deputyId, t.endsAt),
    index("deputyships_signatory_idx").on(t.signatoryId, t.endsAt),
  ],
);
export type Deputyship = typeof deputyships.$inferSelect;
