import { randomUUID } from "node:crypto";
import * as Y from "yjs";
import { budgetTotals, type BudgetData } from "../../app/shared/budget";
import { initialiseStructuredSections } from "../../app/shared/section-rows";
import type { NewPlanInput } from "../../app/shared/plan-input";
import { Refusal } from "../../app/shared/errors";
import type { Plan } from "../../db/schema";
import type { Store } from "../../db/store.server";
import { recordAudit } from "./audit.server";
import type { RoomRegistry } from "../collab/rooms.server";
import { sectionData, sectionPlainText, sectionRichTextJson, type PmNode } from "./plan-content.server";
import type { SignoffService } from "../signoffs/signoff-service.server";
import type { TemplateCatalog } from "../templates/template-catalog.server";

/** Plans, who belongs to them, and the plan as the API and the plan page show it. */
export class PlanService {
  constructor(
    private readonly store: Store,
    private readonly rooms: RoomRegistry,
    private readonly templates: TemplateCatalog,
    private readonly signoffs: SignoffService,
    /** Told of each new plan with its first document, after it is stored. */
    private readonly onCreated: (plan: Plan, doc: Y.Doc) => void = () => {},
  ) {}

  /** Creates a plan from a template, with its creator as owner and its tables ready. */
  async create(ownerId: string, input: NewPlanInput): Promise<Plan> {
    const template = await this.templates.find(ownerId, input.templateId);
    if (!template) throw new Refusal("invalid", `templateId: unknown template "${input.templateId}"`);
    const doc = new Y.Doc();
    initialiseStructuredSections(doc, template);
    const { plans, planMembers, planUpdates } = this.store.tables;
    const created = await this.store.transaction(async (tx) => {
      const [plan] = await tx
        .insert(plans)
        .values({
          id: randomUUID(),
          title: input.title,
          area: input.area,
          templateId: template.id,
          template,
          createdBy: ownerId,
        })
        .returning();
      await tx.insert(planMembers).values({ planId: plan!.id, userId: ownerId, role: "owner" });
      await recordAudit(
        this.store,
        {
          planId: plan!.id,
          userId: ownerId,
          type: "plan.created",
          detail: { templateId: template.id, templateVersion: template.version },
        },
        tx,
      );
      // The first state is written in the plan's own transaction, not through the document
      // store, so that no plan is ever stored without it.
      await tx.insert(planUpdates).values({ planId: plan!.id, update: Buffer.from(Y.encodeStateAsUpdate(doc)) });
      return plan!;
    });
    this.onCreated(created, doc);
    return created;
  }

  /** The plan's title and its sections as the template describes them, without content. */
  outline(plan: Plan) {
    return {
      id: plan.id,
      title: plan.title,
      area: plan.area,
      templateTitle: plan.template.title,
      sections: plan.template.sections.map(({ key, title, kind, guidance, signoff }) => ({
        key,
        title,
        kind,
        guidance,
        requiredSides: signoff,
      })),
    };
  }

  /**
   * Each section's current words with their open suggestions (as the editors show them), for the plan page to show before
   * (or without) its editors: the rich text as ProseMirror JSON, and a structured section's rows.
   */
  readingCopy(plan: Plan): Promise<Record<string, SectionReadingCopy>> {
    return this.rooms.read(plan.id, (doc) =>
      Object.fromEntries(
        plan.template.sections.map(({ key, kind }) => [
          key,
          kind === "text"
            ? { richText: sectionRichTextJson(doc, key, { withSuggestions: true }) }
            : { richText: sectionRichTextJson(doc, key, { withSuggestions: true }), data: sectionData(doc, key) },
        ]),
      ),
    );
  }

  /** The plan with each section's current plain text, structured data and sign-off. */
  async view(plan: Plan) {
    const signoffIn = await this.signoffs.viewer(plan);
    const { sections, signoff } = await this.rooms.read(plan.id, (doc) => {
      const signoff = signoffIn(doc);
      const sections = plan.template.sections.map((section) => ({
        key: section.key,
        title: section.title,
        kind: section.kind,
        guidance: section.guidance,
        requiredSides: section.signoff,
        text: sectionPlainText(doc, section.key),
        data: sectionData(doc, section.key),
        contentHash: this.signoffs.readSection(plan.id, doc, section).contentHash,
        ...(section.kind === "budget" ? { totals: budgetTotals(sectionData(doc, section.key) as BudgetData) } : {}),
        signoff: {
          state: signoff.sections[section.key]!.state,
          records: signoff.sections[section.key]!.records,
          returned: signoff.sections[section.key]!.returned,
          due: signoff.sections[section.key]!.due,
          request: signoff.sections[section.key]!.request,
        },
      }));
      return { sections, signoff };
    });
    return {
      id: plan.id,
      title: plan.title,
      area: plan.area,
      templateId: plan.templateId,
      templateTitle: plan.template.title,
      status: signoff.status,
      signoffProgress: { signed: signoff.signed, total: signoff.total },
      sections,
    };
  }
}

export type PlanView = Awaited<ReturnType<PlanService["view"]>>;

export interface SectionReadingCopy {
  richText: PmNode;
  /** A structured section's `data:<key>` map as JSON (its `rows`, and a budget's `years`). */
  data?: Record<string, unknown>;
}
