/**
 * The PostgreSQL form of db/schema.ts, table for table and column for column (a test holds them
 * equal): drizzle has no schema shared by two dialects. What each table and column means is
 * written once, there. What differs: instants are `timestamptz` to the millisecond, JSON is
 * `jsonb`, binary is `bytea`, and numbered ids are identity columns.
 */
import { sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  bigint,
  boolean,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { NOTIFICATION_TYPES } from "../../app/shared/notification-types";
import { ROLES, SIDES, type Side } from "../../app/shared/permissions";
import type { PlanTemplate } from "../../app/shared/template-schema";

/** An instant, kept to the millisecond as the SQLite schema keeps it, read as a `Date`. */
const instant = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: "date" });

/** A number the database hands out, never reused; a JavaScript number in TypeScript, as in SQLite. */
const serial = (name: string) => bigint(name, { mode: "number" }).primaryKey().generatedByDefaultAsIdentity();

/** A reference to a `serial` column. */
const serialRef = (name: string) => bigint(name, { mode: "number" });

/** Binary data (Yjs states, compressed content), read as a `Buffer` as in SQLite. */
const bytes = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => "bytea" });

const createdAt = () => instant("created_at").notNull().defaultNow();

export const users = pgTable("users", {
  id: text("id").primaryKey(),
  email: text("email").notNull().unique(),
  name: text("name").notNull(),
  organisation: text("organisation").notNull(),
  side: text("side", { enum: SIDES }).notNull(),
  passwordHash: text("password_hash").notNull(),
  createdAt: createdAt(),
  isAdmin: boolean("is_admin").notNull().default(false),
  deactivatedAt: instant("deactivated_at"),
});

export const sessions = pgTable(
  "sessions",
  {
    idHash: text("id_hash").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    expiresAt: instant("expires_at").notNull(),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

export const plans = pgTable("plans", {
  id: text("id").primaryKey(),
  title: text("title").notNull(),
  area: text("area").notNull(),
  templateId: text("template_id").notNull(),
  template: jsonb("template").$type<PlanTemplate>().notNull(),
  createdBy: text("created_by").references(() => users.id),
  createdAt: createdAt(),
});

export const planMembers = pgTable(
  "plan_members",
  {
    planId: text("plan_id")
      .notNull()
      .references(() => plans.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: ROLES }).notNull(),
    signsOff: boolean("signs_off").notNull().default(false),
    addedAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.planId, t.userId] }), index("plan_members_user_idx").on(t.userId)],
);

export const planUpdates = pgTable(
  "plan_updates",
  {
    seq: serial("seq"),
    planId: text("plan_id")
      .notNull()
      .references(() => plans.id, { onDelete: "cascade" }),
    update: bytes("update").notNull(),
  },
  (t) => [index("plan_updates_plan_idx").on(t.planId, t.seq)],
);

export const planSnapshots = pgTable(
  "plan_snapshots",
  {
    id: serial("id"),
    planId: text("plan_id")
      .notNull()
      .references(() => plans.id, { onDelete: "cascade" }),
    state: bytes("state").notNull(),
    upToUpdateId: serialRef("up_to_update_id").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("plan_snapshots_plan_idx").on(t.planId, t.id)],
);

export const auditEvents = pgTable(
  "audit_events",
  {
    id: serial("id"),
    planId: text("plan_id"),
    userId: text("user_id").references(() => users.id),
    type: text("type").notNull(),
    detail: jsonb("detail").$type<Record<string, unknown>>(),
    createdAt: createdAt(),
    prevHash: text("prev_hash").notNull().default(""),
    hash: text("hash").notNull().default(""),
  },
  (t) => [index("audit_events_plan_idx").on(t.planId, t.id)],
);

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
export type Plan = typeof plans.$inferSelect;
export type PlanMember = typeof planMembers.$inferSelect;
export type AuditEvent = typeof auditEvents.$inferSelect;

export const settings = pgTable("settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

export const importedTemplates = pgTable(
  "imported_templates",
  {
    id: serial("id"),
    templateId: text("template_id").notNull(),
    template: jsonb("template").$type<PlanTemplate>().notNull(),
    importedBy: text("imported_by")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("imported_templates_owner_id_idx").on(t.importedBy, t.templateId)],
);

export const signoffs = pgTable(
  "signoffs",
  {
    id: serial("id"),
    planId: text("plan_id")
      .notNull()
      .references(() => plans.id, { onDelete: "cascade" }),
    sectionKey: text("section_key").notNull(),
    side: text("side", { enum: SIDES }).notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    signedAt: createdAt(),
    contentHash: text("content_hash").notNull(),
    sectionState: bytes("section_state").notNull(),
    staleAt: instant("stale_at"),
    staleBy: text("stale_by").references(() => users.id),
    revokedAt: instant("revoked_at"),
    revokedBy: text("revoked_by").references(() => users.id),
    onBehalfOf: text("on_behalf_of").references((): AnyPgColumn => users.id),
    meaning: text("meaning"),
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

export const signoffRequests = pgTable(
  "signoff_requests",
  {
    id: serial("id"),
    planId: text("plan_id")
      .notNull()
      .references(() => plans.id, { onDelete: "cascade" }),
    sectionKey: text("section_key").notNull(),
    requestedBy: text("requested_by")
      .notNull()
      .references(() => users.id),
    requestedAt: createdAt(),
    sides: jsonb("sides").$type<Side[]>().notNull(),
    message: text("message"),
    dueDate: text("due_date"),
    endedAt: instant("ended_at"),
  },
  (t) => [index("signoff_requests_plan_section_idx").on(t.planId, t.sectionKey)],
);

export const signoffReturns = pgTable(
  "signoff_returns",
  {
    id: serial("id"),
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
    clearedAt: instant("cleared_at"),
  },
  (t) => [index("signoff_returns_plan_section_idx").on(t.planId, t.sectionKey)],
);

export const comments = pgTable(
  "comments",
  {
    id: text("id").primaryKey(),
    planId: text("plan_id")
      .notNull()
      .references(() => plans.id, { onDelete: "cascade" }),
    sectionKey: text("section_key").notNull(),
    parentId: text("parent_id").references((): AnyPgColumn => comments.id, { onDelete: "cascade" }),
    authorId: text("author_id")
      .notNull()
      .references(() => users.id),
    body: text("body").notNull(),
    quote: text("quote"),
    anchorStart: bytes("anchor_start"),
    anchorEnd: bytes("anchor_end"),
    mentions: jsonb("mentions")
      .$type<string[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    createdAt: createdAt(),
    editedAt: instant("edited_at"),
    deletedAt: instant("deleted_at"),
    resolvedAt: instant("resolved_at"),
    resolvedBy: text("resolved_by").references(() => users.id),
  },
  (t) => [index("comments_plan_idx").on(t.planId, t.createdAt)],
);

export type Comment = typeof comments.$inferSelect;

export const mailMessages = pgTable(
  "mail_messages",
  {
    id: serial("id"),
    to: text("to").notNull(),
    subject: text("subject").notNull(),
    text: text("text").notNull(),
    html: text("html").notNull(),
    status: text("status", { enum: ["pending", "sent", "kept", "skipped", "failed"] })
      .notNull()
      .default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: instant("next_attempt_at").notNull(),
    lastError: text("last_error"),
    notificationIds: jsonb("notification_ids")
      .$type<number[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    createdAt: createdAt(),
    sentAt: instant("sent_at"),
  },
  (t) => [index("mail_messages_due_idx").on(t.status, t.nextAttemptAt)],
);

export type MailMessage = typeof mailMessages.$inferSelect;

export const invitations = pgTable(
  "invitations",
  {
    id: text("id").primaryKey(),
    tokenHash: text("token_hash").notNull().unique(),
    email: text("email").notNull(),
    planId: text("plan_id").references(() => plans.id, { onDelete: "cascade" }),
    role: text("role", { enum: ROLES }),
    organisation: text("organisation").notNull(),
    side: text("side", { enum: SIDES }).notNull(),
    invitedBy: text("invited_by")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    expiresAt: instant("expires_at").notNull(),
    acceptedAt: instant("accepted_at"),
    withdrawnAt: instant("withdrawn_at"),
  },
  (t) => [index("invitations_plan_idx").on(t.planId), index("invitations_email_idx").on(t.email)],
);

export type Invitation = typeof invitations.$inferSelect;

export const passwordResets = pgTable(
  "password_resets",
  {
    tokenHash: text("token_hash").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    expiresAt: instant("expires_at").notNull(),
    usedAt: instant("used_at"),
  },
  (t) => [index("password_resets_user_idx").on(t.userId)],
);

export const notifications = pgTable(
  "notifications",
  {
    id: serial("id"),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    type: text("type", { enum: NOTIFICATION_TYPES }).notNull(),
    planId: text("plan_id").references(() => plans.id, { onDelete: "cascade" }),
    text: text("text").notNull(),
    url: text("url").notNull(),
    eventKey: text("event_key").notNull(),
    sectionKey: text("section_key"),
    detail: text("detail"),
    createdAt: createdAt(),
    readAt: instant("read_at"),
    mailedAt: instant("mailed_at"),
  },
  (t) => [
    uniqueIndex("notifications_event_idx").on(t.userId, t.eventKey),
    index("notifications_user_idx").on(t.userId, t.id),
  ],
);

export type Notification = typeof notifications.$inferSelect;

export const notificationOptOuts = pgTable(
  "notification_opt_outs",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    type: text("type", { enum: NOTIFICATION_TYPES }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.type] })],
);

export const searchDocuments = pgTable(
  "search_documents",
  {
    id: serial("id"),
    planId: text("plan_id")
      .notNull()
      .references(() => plans.id, { onDelete: "cascade" }),
    sectionKey: text("section_key").notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    editedAt: instant("edited_at").notNull(),
  },
  (t) => [uniqueIndex("search_documents_plan_section_idx").on(t.planId, t.sectionKey)],
);

export type SearchDocument = typeof searchDocuments.$inferSelect;

export const VERSION_KINDS = ["auto", "named", "signoff", "restore"] as const;
export type VersionKind = (typeof VERSION_KINDS)[number];

export const planVersions = pgTable(
  "plan_versions",
  {
    id: serial("id"),
    planId: text("plan_id")
      .notNull()
      .references(() => plans.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: VERSION_KINDS }).notNull(),
    name: text("name"),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    contributors: jsonb("contributors")
      .$type<string[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    contentHash: text("content_hash").notNull(),
    state: bytes("state").notNull(),
    content: bytes("content").notNull(),
    signoffId: serialRef("signoff_id").references(() => signoffs.id),
  },
  (t) => [index("plan_versions_plan_idx").on(t.planId, t.id)],
);

export type PlanVersion = typeof planVersions.$inferSelect;

export const planListStates = pgTable("plan_list_states", {
  planId: text("plan_id")
    .primaryKey()
    .references(() => plans.id, { onDelete: "cascade" }),
  editedAt: instant("edited_at"),
  archivedAt: instant("archived_at"),
});
export type PlanListState = typeof planListStates.$inferSelect;

export const instanceSeals = pgTable("instance_seals", {
  id: integer("id").primaryKey(),
  privateKey: text("private_key").notNull(),
  certificate: text("certificate").notNull(),
  createdAt: createdAt(),
});

export const SUGGESTION_KINDS = ["text", "cell"] as const;
export const SUGGESTION_STATUSES = ["open", "accepted", "rejected", "withdrawn"] as const;

export const suggestions = pgTable(
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
    removed: text("removed"),
    added: text("added"),
    rowId: text("row_id"),
    field: text("field"),
    fromValue: jsonb("from_value").$type<string | number | null>(),
    toValue: jsonb("to_value").$type<string | number | null>(),
    decidedBy: text("decided_by").references(() => users.id),
    decidedAt: instant("decided_at"),
    reason: text("reason"),
  },
  (t) => [index("suggestions_plan_idx").on(t.planId, t.status)],
);

export type Suggestion = typeof suggestions.$inferSelect;

export const deputyships = pgTable(
  "deputyships",
  {
    id: serial("id"),
    signatoryId: text("signatory_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    deputyId: text("deputy_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    fromDate: text("from_date").notNull(),
    untilDate: text("until_date").notNull(),
    startsAt: instant("starts_at").notNull(),
    endsAt: instant("ends_at").notNull(),
    createdAt: createdAt(),
    endedAt: instant("ended_at"),
  },
  (t) => [
    index("deputyships_deputy_idx").on(t.deputyId, t.endsAt),
    index("deputyships_signatory_idx").on(t.signatoryId, t.endsAt),
  ],
);
export type Deputyship = typeof deputyships.$inferSelect;

/**
 * PostgreSQL only (several processes need it; one process on SQLite owns every plan): which
 * process owns an open plan, until when by the database's clock, and the epoch that fences its
 * writes (server/cluster/plan-leases.server.ts).
 */
export const planLeases = pgTable("plan_leases", {
  planId: text("plan_id")
    .primaryKey()
    .references(() => plans.id, { onDelete: "cascade" }),
  owner: text("owner").notNull(),
  /** Where other processes reach the owner to forward a plan's frames. */
  address: text("address").notNull(),
  epoch: serialRef("epoch").notNull(),
  expiresAt: instant("expires_at").notNull(),
});
