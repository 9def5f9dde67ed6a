import { and, desc, eq, inArray } from "drizzle-orm";
import * as Y from "yjs";
import { budgetTotals, type BudgetData } from "../../app/shared/budget";
import { Refusal } from "../../app/shared/errors";
import type { SqliteDb } from "../../db/client.server";
import { planVersions, users, type Plan, type PlanVersion, type VersionKind } from "../../db/schema";
import { recordAuditSync } from "../plans/audit.server";
import type { RoomRegistry } from "../collab/rooms.server";
import { signoffViewAt } from "../signoffs/signoff-records.server";
import {
  compress,
  decodeContent,
  decompress,
  encodeContent,
  planContent,
  type PlanContent,
} from "./version-content.server";
import { versionsToThin } from "./retention.server";
import { restoreEdit } from "./restore.server";
import { ServerEdit } from "../collab/server-edit.server";
import { comparePlans } from "./compare.server";
import { versionTitle } from "../../app/shared/version-labels";

type NewPlanVersion = typeof planVersions.$inferInsert;

const EMPTY_SECTION = { richText: { type: "doc", content: [] }, text: "", data: {}, contentHash: "" };

export interface VersionSummary {
  id: number;
  kind: VersionKind;
  name: string | null;
  createdAt: string;
  createdBy: { id: string; name: string; organisation: string } | null;
  contributors: { id: string; name: string }[];
  signoffId: number | null;
}

export interface MakeVersion {
  kind: VersionKind;
  name?: string | null;
  userId?: string | null;
  signoffId?: number | null;
}

/**
 * A plan's versions: made automatically while people work, by name, for each sign-off and
 * before each restore; listed, read as the plan was, and thinned as they age.
 */
export class VersionService {
  /** Per plan, who has edited since its latest version. */
  private readonly contributors = new Map<string, Set<string>>();

  constructor(
    private readonly db: SqliteDb,
    private readonly rooms: RoomRegistry,
  ) {}

  /** Notes an edit, so the next version names who made it. */
  noteEdit(planId: string, userId: string | null): void {
    const people = this.contributors.get(planId) ?? new Set<string>();
    if (userId) people.add(userId);
    this.contributors.set(planId, people);
  }

  /** Whether anyone has edited the plan since its latest version. */
  hasUnversionedEdits(planId: string): boolean {
    return this.contributors.has(planId);
  }

  /**
   * Stores the plan in `doc` as a version; `db` may be a transaction, so a sign-off and the
   * version it pins commit together.
   */
  make(plan: Plan, doc: Y.Doc, what: MakeVersion, db: Pick<SqliteDb, "insert"> = this.db): number {
    const content = planContent(plan, doc);
    return this.store(plan, doc, content, what, db);
  }

  /**
   * An automatic version, unless the plan is the same as in its latest version (of any kind);
   * then older automatic versions are thinned. Returns the new id, or null when none was made.
   */
  makeAuto(plan: Plan, doc: Y.Doc): number | null {
    const content = planContent(plan, doc);
    // Compressing the plan is skipped when it has not changed, which is most of the time.
    if (this.latestHash(this.db, plan.id) === content.contentHash) return this.unchanged(plan.id);
    const row = this.rowOf(plan, doc, content, { kind: "auto" });
    // Checked again inside the write: an IMMEDIATE transaction holds SQLite's write lock from
    // its first read, so no other writer (another request, another process) can add a version
    // between the check and the insert.
    const id = this.db.transaction(
      (tx) => (this.latestHash(tx, plan.id) === content.contentHash ? null : this.insert(tx, plan.id, row)),
      { behavior: "immediate" },
    );
    if (id === null) return this.unchanged(plan.id);
    this.thin(plan.id);
    return id;
  }

  private latestHash(db: Pick<SqliteDb, "select">, planId: string): string | undefined {
    return db
      .select({ contentHash: planVersions.contentHash })
      .from(planVersions)
      .where(eq(planVersions.planId, planId))
      .orderBy(desc(planVersions.id))
      .limit(1)
      .get()?.contentHash;
  }

  /** The plan is as in its latest version: its edits since are in that version already. */
  private unchanged(planId: string): null {
    this.contributors.delete(planId);
    return null;
  }

  /** A named version of the plan now, by someone who may edit it. */
  makeNamed(plan: Plan, userId: string, name: string): Promise<number> {
    return this.rooms.read(plan.id, (doc) => {
      const id = this.make(plan, doc, { kind: "named", name, userId });
      recordAuditSync(this.db, { planId: plan.id, userId, type: "version.named", detail: { versionId: id, name } });
      return id;
    });
  }

  list(planId: string): VersionSummary[] {
    const rows = this.db
      .select({
        id: planVersions.id,
        kind: planVersions.kind,
        name: planVersions.name,
        createdAt: planVersions.createdAt,
        contributors: planVersions.contributors,
        signoffId: planVersions.signoffId,
        createdBy: { id: users.id, name: users.name, organisation: users.organisation },
      })
      .from(planVersions)
      .leftJoin(users, eq(users.id, planVersions.createdBy))
      .where(eq(planVersions.planId, planId))
      .orderBy(desc(planVersions.id))
      .all();
    const names = this.namesOf(rows.flatMap((row) => row.contributors));
    return rows.map((row) => ({
      ...row,
      createdAt: row.createdAt.toISOString(),
      createdBy: row.createdBy?.id ? row.createdBy : null,
      contributors: row.contributors.map((id) => ({ id, name: names.get(id) ?? "a former member" })),
    }));
  }

  /** The version's row, or a 404 when the plan has no such version. */
  find(planId: string, versionId: number): PlanVersion {
    const row = this.db
      .select()
      .from(planVersions)
      .where(and(eq(planVersions.planId, planId), eq(planVersions.id, versionId)))
      .get();
    if (!row) throw new Refusal("not-found", "version not found");
    return row;
  }

  content(planId: string, versionId: number): PlanContent {
    return decodeContent(this.find(planId, versionId).content);
  }

  /** The version's whole Yjs state, uncompressed. */
  state(version: PlanVersion): Uint8Array {
    return new Uint8Array(decompress(version.state));
  }

  summary(planId: string, versionId: number): VersionSummary {
    const summary = this.list(planId).find((version) => version.id === versionId);
    if (!summary) throw new Refusal("not-found", "version not found");
    return summary;
  }

  /** The plan as `GET /api/plans/:id` showed it when the version was made, sign-offs included. */
  view(plan: Plan, versionId: number) {
    const version = this.find(plan.id, versionId);
    const content = decodeContent(version.content);
    const hashes = Object.fromEntries(Object.entries(content.sections).map(([key, s]) => [key, s.contentHash]));
    const signoff = signoffViewAt(this.db, plan, version.createdAt, hashes);
    const sections = plan.template.sections.map((section) => {
      const stored = content.sections[section.key];
      const data = stored?.data ?? {};
      return {
        key: section.key,
        title: section.title,
        kind: section.kind,
        guidance: section.guidance,
        requiredSides: section.signoff,
        text: stored?.text ?? "",
        richText: stored?.richText ?? EMPTY_SECTION.richText,
        data,
        contentHash: stored?.contentHash ?? "",
        ...(section.kind === "budget" ? { totals: budgetTotals(data as unknown as BudgetData) } : {}),
        signoff: {
          state: signoff.sections[section.key]!.state,
          records: signoff.sections[section.key]!.records,
        },
      };
    });
    return {
      id: plan.id,
      title: plan.title,
      area: plan.area,
      templateId: plan.templateId,
      templateTitle: plan.template.title,
      status: signoff.status,
      signoffProgress: { signed: signoff.signed, total: signoff.total },
      version: this.summary(plan.id, versionId),
      sections,
    };
  }

  /** What a PDF of the version needs: its state, the sign-offs of that moment, its cover line. */
  forExport(plan: Plan, versionId: number) {
    const version = this.find(plan.id, versionId);
    const content = decodeContent(version.content);
    const hashes = Object.fromEntries(Object.entries(content.sections).map(([key, s]) => [key, s.contentHash]));
    return {
      state: this.state(version),
      signoffs: signoffViewAt(this.db, plan, version.createdAt, hashes),
      cover: { title: versionTitle(version), createdAt: version.createdAt },
    };
  }

  /**
   * Two readings of the plan compared section by section; `to` may be "current" (the plan now).
   */
  async compare(plan: Plan, from: number, to: number | "current") {
    const before = this.content(plan.id, from);
    const after =
      to === "current" ? await this.rooms.read(plan.id, (doc) => planContent(plan, doc)) : this.content(plan.id, to);
    return comparePlans(plan.template.sections, before, after);
  }

  /**
   * Brings back the whole plan, or the chosen sections, as they were in a version: first a
   * `restore` version of the plan now, then one edit by the server on the live document, stored
   * and relayed like anyone's, so nobody's concurrent typing elsewhere is lost. Returns the id
   * of the version saved just before.
   */
  async restore(plan: Plan, userId: string, versionId: number, sectionKeys?: string[]): Promise<number> {
    const version = this.find(plan.id, versionId);
    const content = decodeContent(version.content);
    const unknown = sectionKeys?.filter((key) => !plan.template.sections.some((section) => section.key === key));
    if (unknown && unknown.length > 0) {
      throw new Refusal("invalid", `sections: "${unknown[0]}" is not a section of this plan`);
    }
    const chosen = plan.template.sections.filter((section) => !sectionKeys || sectionKeys.includes(section.key));
    const edit = restoreEdit(
      chosen.map((section) => ({ section, from: content.sections[section.key] ?? EMPTY_SECTION })),
    );
    const label = version.name ?? `${version.kind} version of ${version.createdAt.toISOString()}`;
    const beforeId = await this.rooms.read(plan.id, (doc) => {
      const id = this.make(plan, doc, { kind: "restore", userId, name: `Before restoring ${label}` });
      doc.transact(() => edit(doc), new ServerEdit("restore", userId));
      recordAuditSync(this.db, {
        planId: plan.id,
        userId,
        type: "version.restored",
        detail: { versionId, sections: chosen.map((section) => section.key), beforeVersionId: id },
      });
      return id;
    });
    // Reading the plan stores what is pending: the restore is on disk before the answer.
    await this.rooms.read(plan.id, () => undefined);
    return beforeId;
  }

  private store(plan: Plan, doc: Y.Doc, content: PlanContent, what: MakeVersion, db: Pick<SqliteDb, "insert">): number {
    return this.insert(db, plan.id, this.rowOf(plan, doc, content, what));
  }

  /** The version's row: the plan compressed, and who has edited since the latest version. */
  private rowOf(plan: Plan, doc: Y.Doc, content: PlanContent, what: MakeVersion): NewPlanVersion {
    return {
      planId: plan.id,
      kind: what.kind,
      name: what.name ?? null,
      createdBy: what.userId ?? null,
      contributors: [...(this.contributors.get(plan.id) ?? [])],
      contentHash: content.contentHash,
      state: compress(Y.encodeStateAsUpdate(doc)),
      content: encodeContent(content),
      signoffId: what.signoffId ?? null,
    };
  }

  private insert(db: Pick<SqliteDb, "insert">, planId: string, row: NewPlanVersion): number {
    const id = db.insert(planVersions).values(row).returning({ id: planVersions.id }).get().id;
    this.contributors.delete(planId);
    return id;
  }

  private thin(planId: string): void {
    const autos = this.db
      .select({ id: planVersions.id, kind: planVersions.kind, createdAt: planVersions.createdAt })
      .from(planVersions)
      .where(and(eq(planVersions.planId, planId), eq(planVersions.kind, "auto")))
      .all();
    const drop = versionsToThin(autos, new Date());
    if (drop.length > 0) this.db.delete(planVersions).where(inArray(planVersions.id, drop)).run();
  }

  private namesOf(ids: string[]): Map<string, string> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const rows = this.db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, unique)).all();
    return new Map(rows.map((row) => [row.id, row.name]));
  }
}
