import { and, desc, eq, inArray } from "drizzle-orm";
import * as Y from "yjs";
import { budgetTotals, type BudgetData } from "../../app/shared/budget";
import { Refusal } from "../../app/shared/errors";
import type { Db, Store } from "../../db/store.server";
import type { planVersions, Plan, PlanVersion, VersionKind } from "../../db/schema";
import { recordAudit } from "../plans/audit.server";
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

/**
 * The plan as a version stores it, read at a room's cut; it is written after the cut has passed,
 * since nothing can be awaited inside one (decision 0042).
 */
export interface VersionSnapshot {
  contentHash: string;
  state: Buffer;
  content: Buffer;
  /** Who had edited since the latest version when it was read, as `noteEdit` had them then. */
  edits: ReadonlySet<string> | undefined;
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
  /**
   * Per plan, who has edited since its latest version. Each edit notes a new set, so that a
   * version read before an edit and stored after it leaves that edit still to be versioned.
   */
  private readonly contributors = new Map<string, ReadonlySet<string>>();

  constructor(
    private readonly store: Store,
    private readonly rooms: RoomRegistry,
  ) {}

  /** Notes an edit, so the next version names who made it. */
  noteEdit(planId: string, userId: string | null): void {
    const people = new Set(this.contributors.get(planId));
    if (userId) people.add(userId);
    this.contributors.set(planId, people);
  }

  /** Whether anyone has edited the plan since its latest version. */
  hasUnversionedEdits(planId: string): boolean {
    return this.contributors.has(planId);
  }

  /** The plan in `doc` as a version stores it, at a room's cut. */
  snapshot(plan: Plan, doc: Y.Doc): VersionSnapshot {
    return this.packed(planContent(plan, doc), Y.encodeStateAsUpdate(doc), this.contributors.get(plan.id));
  }

  private packed(content: PlanContent, state: Uint8Array, edits: ReadonlySet<string> | undefined): VersionSnapshot {
    return { contentHash: content.contentHash, state: compress(state), content: encodeContent(content), edits };
  }

  /**
   * Stores a snapshot of the plan as a version; in `tx` when given, so that a sign-off and the
   * version it pins commit together.
   */
  make(plan: Plan, snapshot: VersionSnapshot, what: MakeVersion, tx: Db = this.store.db): Promise<number> {
    return this.insert(tx, plan.id, this.rowOf(plan, snapshot, what), snapshot.edits);
  }

  /**
   * An automatic version, unless the plan is the same as in its latest version (of any kind);
   * then older automatic versions are thinned. Returns the new id, or null when none was made.
   */
  async makeAuto(plan: Plan, doc: Y.Doc): Promise<number | null> {
    // Read before anything is awaited: the plan moves on meanwhile, or is unloaded.
    const content = planContent(plan, doc);
    const state = Y.encodeStateAsUpdate(doc);
    const edits = this.contributors.get(plan.id);
    // Compressing the plan is skipped when it has not changed, which is most of the time.
    if ((await this.latestHash(this.store.db, plan.id)) === content.contentHash) return this.unchanged(plan.id, edits);
    const row = this.rowOf(plan, this.packed(content, state, edits), { kind: "auto" });
    // Checked again inside the write, under the plan's lock, which every version's and sign-off's
    // transaction takes: no other writer (another request, another process) adds a version
    // between the check and the insert.
    const id = await this.store.transaction(async (tx) => {
      await this.store.lock(tx, `plan:${plan.id}`);
      return (await this.latestHash(tx, plan.id)) === content.contentHash ? null : this.insert(tx, plan.id, row, edits);
    });
    if (id === null) return this.unchanged(plan.id, edits);
    await this.thin(plan.id);
    return id;
  }

  private async latestHash(db: Db, planId: string): Promise<string | undefined> {
    const { planVersions } = this.store.tables;
    const [latest] = await db
      .select({ contentHash: planVersions.contentHash })
      .from(planVersions)
      .where(eq(planVersions.planId, planId))
      .orderBy(desc(planVersions.id))
      .limit(1);
    return latest?.contentHash;
  }

  /** The plan is as in its latest version: the edits read with it are in that version already. */
  private unchanged(planId: string, edits: ReadonlySet<string> | undefined): null {
    this.versioned(planId, edits);
    return null;
  }

  /** Forgets the edits a version holds, unless more were noted since it was read. */
  private versioned(planId: string, edits: ReadonlySet<string> | undefined): void {
    if (this.contributors.get(planId) === edits) this.contributors.delete(planId);
  }

  /** A named version of the plan now, by someone who may edit it. */
  async makeNamed(plan: Plan, userId: string, name: string): Promise<number> {
    const snapshot = await this.rooms.read(plan.id, (doc) => this.snapshot(plan, doc));
    return this.store.transaction(async (tx) => {
      await this.store.lock(tx, `plan:${plan.id}`);
      const id = await this.make(plan, snapshot, { kind: "named", name, userId }, tx);
      await recordAudit(
        this.store,
        { planId: plan.id, userId, type: "version.named", detail: { versionId: id, name } },
        tx,
      );
      return id;
    });
  }

  async list(planId: string): Promise<VersionSummary[]> {
    const { planVersions, users } = this.store.tables;
    const rows = await this.store.db
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
      .orderBy(desc(planVersions.id));
    const names = await this.namesOf(rows.flatMap((row) => row.contributors));
    return rows.map((row) => ({
      ...row,
      createdAt: row.createdAt.toISOString(),
      createdBy: row.createdBy?.id ? row.createdBy : null,
      contributors: row.contributors.map((id) => ({ id, name: names.get(id) ?? "a former member" })),
    }));
  }

  /** The version's row, or a 404 when the plan has no such version. */
  async find(planId: string, versionId: number): Promise<PlanVersion> {
    const { planVersions } = this.store.tables;
    const [row] = await this.store.db
      .select()
      .from(planVersions)
      .where(and(eq(planVersions.planId, planId), eq(planVersions.id, versionId)));
    if (!row) throw new Refusal("not-found", "version not found");
    return row;
  }

  async content(planId: string, versionId: number): Promise<PlanContent> {
    return decodeContent((await this.find(planId, versionId)).content);
  }

  /** The version's whole Yjs state, uncompressed. */
  state(version: PlanVersion): Uint8Array {
    return new Uint8Array(decompress(version.state));
  }

  async summary(planId: string, versionId: number): Promise<VersionSummary> {
    const summary = (await this.list(planId)).find((version) => version.id === versionId);
    if (!summary) throw new Refusal("not-found", "version not found");
    return summary;
  }

  /** The plan as `GET /api/plans/:id` showed it when the version was made, sign-offs included. */
  async view(plan: Plan, versionId: number) {
    const version = await this.find(plan.id, versionId);
    const content = decodeContent(version.content);
    const hashes = Object.fromEntries(Object.entries(content.sections).map(([key, s]) => [key, s.contentHash]));
    const signoff = await signoffViewAt(this.store.db, this.store.tables, plan, version.createdAt, hashes);
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
      version: await this.summary(plan.id, versionId),
      sections,
    };
  }

  /** What a PDF of the version needs: its state, the sign-offs of that moment, its cover line. */
  async forExport(plan: Plan, versionId: number) {
    const version = await this.find(plan.id, versionId);
    const content = decodeContent(version.content);
    const hashes = Object.fromEntries(Object.entries(content.sections).map(([key, s]) => [key, s.contentHash]));
    return {
      state: this.state(version),
      signoffs: await signoffViewAt(this.store.db, this.store.tables, plan, version.createdAt, hashes),
      cover: { title: versionTitle(version), createdAt: version.createdAt },
    };
  }

  /**
   * Two readings of the plan compared section by section; `to` may be "current" (the plan now).
   */
  async compare(plan: Plan, from: number, to: number | "current") {
    const before = await this.content(plan.id, from);
    const after =
      to === "current"
        ? await this.rooms.read(plan.id, (doc) => planContent(plan, doc))
        : await this.content(plan.id, to);
    return comparePlans(plan.template.sections, before, after);
  }

  /**
   * Brings back the whole plan, or the chosen sections, as they were in a version: first a
   * `restore` version of the plan now, then one edit by the server on the live document, stored
   * and relayed like anyone's, so nobody's concurrent typing elsewhere is lost. Returns the id
   * of the version saved just before.
   */
  async restore(plan: Plan, userId: string, versionId: number, sectionKeys?: string[]): Promise<number> {
    const version = await this.find(plan.id, versionId);
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
    const before = await this.rooms.read(plan.id, (doc) => {
      const snapshot = this.snapshot(plan, doc);
      doc.transact(() => edit(doc), new ServerEdit("restore", userId));
      return snapshot;
    });
    const beforeId = await this.store.transaction(async (tx) => {
      await this.store.lock(tx, `plan:${plan.id}`);
      const id = await this.make(plan, before, { kind: "restore", userId, name: `Before restoring ${label}` }, tx);
      await recordAudit(
        this.store,
        {
          planId: plan.id,
          userId,
          type: "version.restored",
          detail: { versionId, sections: chosen.map((section) => section.key), beforeVersionId: id },
        },
        tx,
      );
      return id;
    });
    // Reading the plan stores what is pending: the restore is on disk before the answer.
    await this.rooms.read(plan.id, () => undefined);
    return beforeId;
  }

  /** The version's row: the plan compressed, and who had edited since the latest version. */
  private rowOf(plan: Plan, snapshot: VersionSnapshot, what: MakeVersion): NewPlanVersion {
    return {
      planId: plan.id,
      kind: what.kind,
      name: what.name ?? null,
      createdBy: what.userId ?? null,
      contributors: [...(snapshot.edits ?? [])],
      contentHash: snapshot.contentHash,
      state: snapshot.state,
      content: snapshot.content,
      signoffId: what.signoffId ?? null,
    };
  }

  private async insert(
    db: Db,
    planId: string,
    row: NewPlanVersion,
    edits: ReadonlySet<string> | undefined,
  ): Promise<number> {
    const { planVersions } = this.store.tables;
    const [created] = await db.insert(planVersions).values(row).returning({ id: planVersions.id });
    this.versioned(planId, edits);
    return created!.id;
  }

  private async thin(planId: string): Promise<void> {
    const { planVersions } = this.store.tables;
    const autos = await this.store.db
      .select({ id: planVersions.id, kind: planVersions.kind, createdAt: planVersions.createdAt })
      .from(planVersions)
      .where(and(eq(planVersions.planId, planId), eq(planVersions.kind, "auto")));
    const drop = versionsToThin(autos, new Date());
    if (drop.length > 0) await this.store.db.delete(planVersions).where(inArray(planVersions.id, drop));
  }

  private async namesOf(ids: string[]): Promise<Map<string, string>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const { users } = this.store.tables;
    const rows = await this.store.db
      .select({ id: users.id, name: users.name })
      .from(users)
      .where(inArray(users.id, unique));
    return new Map(rows.map((row) => [row.id, row.name]));
  }
}
