import { eq } from "drizzle-orm";
import { diffWords } from "diff";
import type * as Y from "yjs";
import { Refusal } from "../../app/shared/errors";
import { ROLE_LABEL, SIDE_LABEL, canSignOff, signsOffSections, type Role } from "../../app/shared/permissions";
import type { PlanSignoffView, SignoffRecordView } from "../../app/shared/plan-events";
import { isFresh } from "../../app/shared/signoff-state";
import type { TemplateSection } from "../../app/shared/template-schema";
import type { Db, Store } from "../../db/store.server";
import type { Plan } from "../../db/schema";
import { moduleLog } from "../log.server";
import { recordAudit } from "../plans/audit.server";
import type { SessionUser } from "../auth/sessions.server";
import type { RoomRegistry } from "../collab/rooms.server";
import { sectionIsEmpty } from "../../app/shared/section-empty";
import {
  contentHashOf,
  encodeSectionState,
  readableTextOfState,
  sectionContent,
  sectionContentHash,
  sectionReadableText,
} from "./section-content.server";
import type { SignerCheck } from "./signer-check.server";
import { signoffMeaning } from "./signoff-meaning.server";
import type { NotificationSink } from "../notifications/notification-service.server";
import type { Person } from "../plans/plan-access.server";
import { SeenContent } from "./seen-content.server";
import { currentRecords, planSignoffView, sectionHistoryRecords } from "./signoff-records.server";
import { planWorkflow, standingReturns } from "./signoff-workflow-records.server";
import { SideAlreadySigned, SignoffWrites } from "./signoff-writes.server";
import type { VersionSnapshot } from "../versions/version-service.server";

const logger = moduleLog("signoffs");

/**
 * Makes the version a sign-off pins: the plan is captured at the cut where the section is read,
 * and stored inside the sign-off's own transaction.
 */
export interface SignoffPins {
  capture(plan: Plan, doc: Y.Doc): VersionSnapshot;
  pin(tx: Db, plan: Plan, snapshot: VersionSnapshot, userId: string, signoffId: number, label: string): Promise<number>;
}

/** What lets someone sign on a plan: their member role, and whom they stand in for as a deputy. */
export interface SigningAccess {
  role: Role;
  signsOff: boolean;
  standsInFor?: readonly Person[];
}

export interface SignoffChange {
  kind: "same" | "added" | "removed";
  text: string;
}

/**
 * Section sign-offs: signing, revoking, marking stale when the content moves on, and the state
 * every client sees. Each change is published to the plan's open clients.
 */
export class SignoffService {
  /**
   * Per loaded plan, the sections with a fresh sign-off or a standing return: the only ones an
   * edit can make stale or clear. A promise while they are being read.
   */
  private readonly watched = new Map<string, ReadonlySet<string> | Promise<ReadonlySet<string>>>();
  /** What each hash handed to a reader stood for, to show a refused signatory what moved. */
  private readonly seen = new SeenContent();
  /** The writes, each checking its condition in the statement that writes. */
  private readonly writes: SignoffWrites;

  constructor(
    private readonly store: Store,
    private readonly rooms: RoomRegistry,
    private readonly signer: SignerCheck,
    private readonly notifications?: NotificationSink,
    private readonly pins?: SignoffPins,
  ) {
    this.writes = new SignoffWrites(store);
  }

  /**
   * The plan's records and workflow, read now, as the sign-off state of the content in a
   * document: nothing can be awaited at a room's cut, so the stored part is read before it.
   */
  async viewer(plan: Plan): Promise<(doc: Y.Doc) => PlanSignoffView> {
    const records = await currentRecords(this.store.db, this.store.tables, plan.id);
    const workflow = await planWorkflow(this.store.db, this.store.tables, plan.id);
    return (doc) => planSignoffView(plan, records, (key) => sectionContentHash(doc, key), workflow);
  }

  /** The plan's sign-off state now, read from its live document. */
  async current(plan: Plan): Promise<PlanSignoffView> {
    return this.rooms.read(plan.id, await this.viewer(plan));
  }

  /**
   * The section's content hash now, for someone about to read it (and perhaps sign it): the
   * wording it stands for is remembered, so a sign-off sent with it can show what changed since.
   */
  readSection(planId: string, doc: Y.Doc, section: Pick<TemplateSection, "key" | "kind">) {
    const sectionKey = section.key;
    const content = sectionContent(doc, sectionKey);
    const contentHash = contentHashOf(content);
    const text = sectionReadableText(doc, sectionKey, section.kind);
    this.seen.remember(planId, sectionKey, contentHash, text);
    return { contentHash, text, richText: content.text, data: content.data };
  }

  /**
   * Signs the section off for the user's side, on the wording whose hash they read
   * (`contentHash`), once their `password` proves it is them (from `address`, for the
   * throttle): if the section has changed since, nothing is signed and the refusal carries the
   * changes. A section with nothing written is refused before the password is asked about. A
   * deputy without a right of their own to sign it signs for the signatory they stand in for,
   * who is told.
   */
  async sign(
    plan: Plan,
    user: SessionUser,
    access: SigningAccess,
    sectionKey: string,
    proof: { contentHash?: string; password?: string },
    address: string,
  ): Promise<SignoffRecordView> {
    const section = requireSection(plan, sectionKey);
    const { seen, onBehalfOf } = requireMaySign(section, user, access, proof.contentHash);
    await this.rooms.read(plan.id, (doc) => requireWritten(section, doc));
    await this.signer.confirm(user.id, proof.password, address);
    const meaning = statementOf(plan, section, user, access.role, onBehalfOf);
    // What the sign-off stands for is read at the cut; it is written once that has passed
    // (decision 0042), where the write itself refuses a side already signed.
    const read = await this.rooms.read(plan.id, (doc) => ({
      contentHash: this.requireUnchanged(plan.id, doc, section, seen),
      sectionState: Buffer.from(encodeSectionState(doc, sectionKey)),
      snapshot: this.pins?.capture(plan, doc) ?? null,
    }));
    const id = await this.storeSignoff({ plan, user, onBehalfOf, section, meaning, ...read });
    // An edit between the cut and the write found no fresh sign-off of the section to watch.
    const doc = await this.rooms.read(plan.id, (doc) => doc);
    await this.markStaleIfChanged(plan.id, doc, new Map([[sectionKey, null]]));
    const view = await this.changed(plan);
    if (onBehalfOf) await this.notifySignatory(plan, section, user, onBehalfOf, id);
    if (view.status === "final") await this.notifyFinal(plan, user.id, id);
    const record = view.sections[sectionKey]!.records.find((r) => r.id === id);
    if (!record) throw new Error(`sign-off ${id} vanished after it was made`);
    return record;
  }

  /** The section's hash now, if it is still `seenHash`; otherwise a refusal carrying what changed. */
  private requireUnchanged(planId: string, doc: Y.Doc, section: TemplateSection, seenHash: string): string {
    const contentHash = sectionContentHash(doc, section.key);
    if (contentHash === seenHash) return contentHash;
    throw new Refusal(
      "conflict",
      `"${section.title}" has changed since you read it; check the changes, then sign off again`,
      {
        changes: this.changesSince(planId, section.key, seenHash, sectionReadableText(doc, section.key, section.kind)),
        contentHash,
      },
    );
  }

  /**
   * Stores the sign-off (superseding the side's stale one), the version it pins and its audit
   * entry in one transaction; refuses if the side's sign-off of this wording is already fresh.
   * The condition is checked by the write itself (`SignoffWrites.sign`).
   */
  private async storeSignoff(signing: {
    plan: Plan;
    snapshot: VersionSnapshot | null;
    user: SessionUser;
    onBehalfOf: Person | null;
    section: TemplateSection;
    contentHash: string;
    sectionState: Buffer;
    meaning: string;
  }): Promise<number> {
    const { plan, snapshot, user, onBehalfOf, section, contentHash, sectionState, meaning } = signing;
    const sectionKey = section.key;
    const label = `${section.title}: signed off (${SIDE_LABEL[user.side]})${onBehalfOf ? ` by ${user.name} for ${onBehalfOf.name}` : ""}`;
    try {
      const signed = await this.writes.sign(
        {
          planId: plan.id,
          sectionKey,
          side: user.side,
          userId: user.id,
          onBehalfOf: onBehalfOf?.id ?? null,
          contentHash,
          sectionState,
          meaning,
        },
        async (tx, id, supersedes) => {
          const versionId = snapshot && this.pins ? await this.pins.pin(tx, plan, snapshot, user.id, id, label) : null;
          await recordAudit(
            this.store,
            {
              planId: plan.id,
              userId: user.id,
              type: "signoff.signed",
              detail: {
                sectionKey,
                side: user.side,
                signoffId: id,
                contentHash,
                supersedes,
                versionId,
                ...(onBehalfOf ? { onBehalfOf: onBehalfOf.id } : {}),
                meaning,
                method: "password",
              },
            },
            tx,
          );
        },
      );
      return signed.id;
    } catch (error) {
      if (!(error instanceof SideAlreadySigned)) throw error;
      const by = error.signedBy === user.id ? "you" : await this.nameOf(error.signedBy);
      throw new Refusal("conflict", `"${section.title}" is already signed off for the ${user.side} side by ${by}`);
    }
  }

  /** Withdraws the user's own current sign-off of the section, or one a deputy made for them. */
  async revoke(plan: Plan, user: SessionUser, sectionKey: string): Promise<void> {
    const section = requireSection(plan, sectionKey);
    const revoked = await this.writes.revoke(plan.id, sectionKey, user.id);
    if (revoked.length === 0) throw new Refusal("not-found", `you have no sign-off on "${section.title}" to revoke`);
    await this.changed(plan);
  }

  /**
   * Every sign-off the section ever had, newest first, and what changed between the text its
   * latest current sign-off was given on and the text now. With `since` (a content hash the
   * reader was given), also what changed since then: null when that reading is not known.
   */
  async history(plan: Plan, sectionKey: string, since?: string, reader?: { user: SessionUser } & SigningAccess) {
    const section = requireSection(plan, sectionKey);
    const rows = await sectionHistoryRecords(this.store.db, this.store.tables, plan.id, sectionKey);
    const latestCurrent = rows.find((row) => row.revokedAt === null);
    const { contentHash, text, richText, data } = await this.rooms.read(plan.id, (doc) =>
      this.readSection(plan.id, doc, section),
    );
    const current = { text, hash: contentHash };
    const changes = latestCurrent
      ? wordChanges(readableTextOfState(latestCurrent.sectionState, sectionKey, section.kind), current.text)
      : null;
    return {
      records: rows.map(({ sectionState: _state, ...row }) => ({
        ...row,
        signedAt: row.signedAt.toISOString(),
        staleAt: row.staleAt?.toISOString() ?? null,
        revokedAt: row.revokedAt?.toISOString() ?? null,
        fresh: row.revokedAt === null && isFresh(row, current.hash),
      })),
      changes,
      contentHash,
      text,
      kind: section.kind,
      richText,
      ...(section.kind === "text" ? {} : { data }),
      empty: sectionIsEmpty(section.kind, { richText, data }),
      statement: reader ? statementIfSigning(plan, section, reader.user, reader) : null,
      ...(since === undefined ? {} : { changesSince: this.changesSince(plan.id, sectionKey, since, text) }),
    };
  }

  private changesSince(planId: string, sectionKey: string, hash: string, now: string): SignoffChange[] | null {
    const before = this.seen.textOf(planId, sectionKey, hash);
    return before === undefined ? null : wordChanges(before, now);
  }

  /**
   * Marks stale every fresh sign-off of the given sections whose content no longer hashes the
   * same, naming who made the change, and clears their returns (the edit answers them);
   * publishes the new state when anything turned.
   */
  async markStaleIfChanged(planId: string, doc: Y.Doc, changedBy: ReadonlyMap<string, string | null>): Promise<void> {
    if (changedBy.size === 0) return;
    // Hashed before anything is awaited: meanwhile the plan moves on, or is unloaded.
    const hashes = new Map([...changedBy.keys()].map((key) => [key, sectionContentHash(doc, key)]));
    const { db, tables } = this.store;
    const candidates = (await currentRecords(db, tables, planId)).filter(
      (record) => record.staleAt === null && changedBy.has(record.sectionKey),
    );
    const turned = candidates.filter((record) => record.contentHash !== hashes.get(record.sectionKey));
    const answered = (await standingReturns(db, tables, planId)).filter(
      (returned) => changedBy.has(returned.sectionKey) && returned.contentHash !== hashes.get(returned.sectionKey),
    );
    if (turned.length === 0 && answered.length === 0) return;
    const byId = new Map(turned.map((record) => [record.id, record]));
    const staleBy = (record: (typeof turned)[number]) => changedBy.get(record.sectionKey) ?? null;
    const marked = await this.writes.markStale(
      planId,
      turned.map((record) => ({ id: record.id, staleBy: staleBy(record) })),
      answered.map((returned) => returned.id),
      async (tx, id) => {
        const record = byId.get(id)!;
        await recordAudit(
          this.store,
          {
            planId,
            userId: staleBy(record),
            type: "signoff.stale",
            detail: {
              sectionKey: record.sectionKey,
              side: record.side,
              signoffId: record.id,
              signedBy: record.signedBy.id,
            },
          },
          tx,
        );
      },
    );
    this.watched.delete(planId);
    const [plan] = await db.select().from(tables.plans).where(eq(tables.plans.id, planId));
    if (plan) {
      const view = await this.viewer(plan);
      // An unloaded plan has no one to tell.
      if (!doc.isDestroyed) this.publish(plan, view(doc));
      for (const record of marked.map((id) => byId.get(id)!)) {
        const section = plan.template.sections.find((s) => s.key === record.sectionKey);
        await this.notifications?.notify(
          [
            {
              userId: record.signedBy.id,
              type: "signoff-stale",
              planId,
              sectionKey: record.sectionKey,
              text: `“${section?.title ?? record.sectionKey}” in ${plan.title} has changed since you signed it off`,
              url: `/plans/${planId}#section-${record.sectionKey}`,
              eventKey: `signoff-stale:${record.id}`,
            },
          ],
          changedBy.get(record.sectionKey) ?? null,
        );
      }
    }
  }

  /** Tells a signatory of a sign-off their deputy made for them. */
  private async notifySignatory(
    plan: Plan,
    section: TemplateSection,
    deputy: SessionUser,
    signatory: Person,
    id: number,
  ): Promise<void> {
    await this.notifications?.notify(
      [
        {
          userId: signatory.id,
          type: "signoff-by-deputy",
          planId: plan.id,
          text: `${deputy.name} signed off “${section.title}” in ${plan.title} for you, as your deputy`,
          url: `/plans/${plan.id}#section-${section.key}`,
          eventKey: `signoff-by-deputy:${id}`,
        },
      ],
      deputy.id,
    );
  }

  /** Tells every member that the plan is final, once for the sign-off that made it so. */
  private async notifyFinal(plan: Plan, causedBy: string, signoffId: number): Promise<void> {
    if (!this.notifications) return;
    const { planMembers } = this.store.tables;
    const members = await this.store.db
      .select({ userId: planMembers.userId })
      .from(planMembers)
      .where(eq(planMembers.planId, plan.id));
    await this.notifications.notify(
      members.map(({ userId }) => ({
        userId,
        type: "plan-final" as const,
        planId: plan.id,
        text: `${plan.title} is final: every section is signed off`,
        url: `/plans/${plan.id}`,
        eventKey: `plan-final:${signoffId}`,
      })),
      causedBy,
    );
  }

  /** The sections of a plan whose fresh sign-offs an edit would make stale, or whose return it would clear. */
  async watchedSections(planId: string): Promise<ReadonlySet<string>> {
    const known = this.watched.get(planId);
    if (known) return known;
    const reading = this.readWatched(planId);
    this.watched.set(planId, reading);
    try {
      const keys = await reading;
      // A change published while they were read has made them out of date.
      if (this.watched.get(planId) === reading) this.watched.set(planId, keys);
      return keys;
    } catch (error) {
      if (this.watched.get(planId) === reading) this.watched.delete(planId);
      throw error;
    }
  }

  /**
   * The watched sections if known now, for an edit to be checked against as it happens;
   * otherwise null (every section counts as watched then) while they are read.
   */
  watchedNow(planId: string): ReadonlySet<string> | null {
    const known = this.watched.get(planId);
    if (known instanceof Set) return known;
    if (!known) {
      this.watchedSections(planId).catch((error: unknown) =>
        logger.error({ err: error }, `failed while reading the watched sections of plan ${planId}`),
      );
    }
    return null;
  }

  private async readWatched(planId: string): Promise<ReadonlySet<string>> {
    const { db, tables } = this.store;
    const records = await currentRecords(db, tables, planId);
    const returns = await standingReturns(db, tables, planId);
    return new Set([
      ...records.filter((record) => record.staleAt === null).map((record) => record.sectionKey),
      ...returns.map((returned) => returned.sectionKey),
    ]);
  }

  forget(planId: string): void {
    this.watched.delete(planId);
  }

  /** Publishes the plan's sign-off state now (after a request or a return changed it). */
  async changed(plan: Plan): Promise<PlanSignoffView> {
    const view = await this.current(plan);
    this.publish(plan, view);
    return view;
  }

  private publish(plan: Plan, view: PlanSignoffView): void {
    this.watched.delete(plan.id);
    this.rooms.publish(plan.id, { type: "signoffs", signoffs: view });
  }

  private async nameOf(userId: string): Promise<string> {
    const { users } = this.store.tables;
    const [user] = await this.store.db.select({ name: users.name }).from(users).where(eq(users.id, userId));
    return user?.name ?? "someone";
  }
}

/** The word-by-word difference between two readings of a section. */
function wordChanges(before: string, after: string): SignoffChange[] {
  return diffWords(before, after).map((part) => ({
    kind: part.added ? "added" : part.removed ? "removed" : "same",
    text: part.value,
  }));
}

export function requireSection(plan: Plan, sectionKey: string): TemplateSection {
  const section = plan.template.sections.find((candidate) => candidate.key === sectionKey);
  if (!section) throw new Refusal("not-found", `section "${sectionKey}" is not in this plan`);
  return section;
}

/** Refuses a section with nothing written: there is nothing to sign off. */
function requireWritten(section: TemplateSection, doc: Y.Doc): void {
  const { text, data } = sectionContent(doc, section.key);
  if (sectionIsEmpty(section.kind, { richText: text, data })) {
    throw new Refusal(
      "conflict",
      `"${section.title}" has nothing written in it yet, so there is nothing to sign off; nothing was signed`,
    );
  }
}

/** The statement a signer makes by signing the section (as a deputy, for the signatory they stand in for). */
function statementOf(
  plan: Plan,
  section: TemplateSection,
  user: SessionUser,
  role: Role,
  onBehalfOf: Person | null,
): string {
  return signoffMeaning({
    name: user.name,
    role,
    organisation: user.organisation,
    side: user.side,
    sectionTitle: section.title,
    planTitle: plan.title,
    onBehalfOf: onBehalfOf?.name ?? null,
  });
}

/** The statement this reader would make by signing the section now; null if they may not sign it. */
function statementIfSigning(plan: Plan, section: TemplateSection, user: SessionUser, access: SigningAccess) {
  const signing = signingCapacity(section, user, access);
  return signing ? statementOf(plan, section, user, access.role, signing.onBehalfOf) : null;
}

/**
 * Whether the user may sign the section for their side, and for whom: in their own right, or as
 * a deputy for the (first by name) signatory of the section's side they stand in for.
 */
function signingCapacity(
  section: TemplateSection,
  user: SessionUser,
  access: SigningAccess,
): { onBehalfOf: Person | null } | null {
  if (canSignOff(access.role, user.side, section.signoff, access.signsOff)) return { onBehalfOf: null };
  const standsIn = access.standsInFor?.[0];
  return standsIn && section.signoff.includes(user.side) ? { onBehalfOf: standsIn } : null;
}

/**
 * Refuses anyone who may not sign this section for their side, or who sends no hash of what they
 * read. Someone who may sign it in their own right signs for themselves; otherwise a deputy
 * signs for the (first by name) signatory of the section's side they stand in for.
 */
function requireMaySign(
  section: TemplateSection,
  user: SessionUser,
  access: SigningAccess,
  seenHash: string | undefined,
): { seen: string; onBehalfOf: Person | null } {
  const signing = signingCapacity(section, user, access);
  if (!signing) {
    if (!access.standsInFor?.length && !signsOffSections(access.role, access.signsOff)) {
      throw new Refusal(
        "forbidden",
        `only a signatory (or an owner made one, or a signatory's deputy) signs off sections; your role on this plan is ${ROLE_LABEL[access.role]}`,
      );
    }
    throw new Refusal(
      "forbidden",
      `"${section.title}" is signed off by the ${section.signoff.join(" and ")} side; you sign for the ${user.side} side`,
    );
  }
  if (!seenHash) {
    throw new Refusal(
      "invalid",
      "contentHash: send the section's contentHash (from GET /api/plans/:id) to say which wording you sign off",
    );
  }
  return { seen: seenHash, onBehalfOf: signing.onBehalfOf };
}
