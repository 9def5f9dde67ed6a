import { and, asc, eq } from "drizzle-orm";
import { Refusal } from "../../app/shared/errors";
import type { PlanTemplate } from "../../app/shared/template-schema";
import type { Store } from "../../db/store.server";
import { parseTemplate, TemplateError } from "./template-files.server";
import { HTTP_LIMITS } from "../limits.server";

/** The templates a user may start a plan from: the built-in files, and those they imported. */
export class TemplateCatalog {
  constructor(
    private readonly store: Store,
    private readonly builtIn: ReadonlyMap<string, PlanTemplate>,
  ) {}

  async forUser(userId: string): Promise<PlanTemplate[]> {
    const { importedTemplates } = this.store.tables;
    const imported = await this.store.db
      .select({ template: importedTemplates.template })
      .from(importedTemplates)
      .where(eq(importedTemplates.importedBy, userId))
      .orderBy(asc(importedTemplates.id));
    return [...this.builtIn.values(), ...imported.map((row) => row.template)];
  }

  async find(userId: string, templateId: string): Promise<PlanTemplate | undefined> {
    const builtIn = this.builtIn.get(templateId);
    if (builtIn) return builtIn;
    const { importedTemplates } = this.store.tables;
    const [imported] = await this.store.db
      .select({ template: importedTemplates.template })
      .from(importedTemplates)
      .where(and(eq(importedTemplates.importedBy, userId), eq(importedTemplates.templateId, templateId)));
    return imported?.template;
  }

  /** Validates a template file's text exactly as the server does at start, and keeps it. */
  async import(userId: string, fileName: string, json: string): Promise<PlanTemplate> {
    if (Buffer.byteLength(json) > HTTP_LIMITS.maxTemplateBytes) {
      throw new Refusal("invalid", `a template file is at most ${HTTP_LIMITS.maxTemplateBytes / 1024} KiB`);
    }
    let template: PlanTemplate;
    try {
      template = parseTemplate(fileName, json);
    } catch (error) {
      if (error instanceof TemplateError) throw new Refusal("invalid", error.message);
      throw error;
    }
    const taken = () =>
      new Refusal("conflict", `a template with id "${template.id}" already exists; give yours another id`);
    if (await this.find(userId, template.id)) throw taken();
    const { importedTemplates } = this.store.tables;
    // The unique (importer, id) refuses the same id imported meanwhile by another request.
    const kept = await this.store.db
      .insert(importedTemplates)
      .values({ templateId: template.id, template, importedBy: userId })
      .onConflictDoNothing()
      .returning({ id: importedTemplates.id });
    if (kept.length === 0) throw taken();
    return template;
  }
}
