import { and, eq } from "drizzle-orm";
import { Refusal } from "../../app/shared/errors";
import type { PlanTemplate } from "../../app/shared/template-schema";
import type { SqliteDb } from "../../db/client.server";
import { importedTemplates } from "../../db/schema";
import { parseTemplate, TemplateError } from "./template-files.server";
import { HTTP_LIMITS } from "../limits.server";

/** The templates a user may start a plan from: the built-in files, and those they imported. */
export class TemplateCatalog {
  constructor(
    private readonly db: SqliteDb,
    private readonly builtIn: ReadonlyMap<string, PlanTemplate>,
  ) {}

  forUser(userId: string): PlanTemplate[] {
    const imported = this.db
      .select({ template: importedTemplates.template })
      .from(importedTemplates)
      .where(eq(importedTemplates.importedBy, userId))
      .all()
      .map((row) => row.template);
    return [...this.builtIn.values(), ...imported];
  }

  find(userId: string, templateId: string): PlanTemplate | undefined {
    return (
      this.builtIn.get(templateId) ??
      this.db
        .select({ template: importedTemplates.template })
        .from(importedTemplates)
        .where(and(eq(importedTemplates.importedBy, userId), eq(importedTemplates.templateId, templateId)))
        .get()?.template
    );
  }

  /** Validates a template file's text exactly as the server does at start, and keeps it. */
  import(userId: string, fileName: string, json: string): PlanTemplate {
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
    if (this.find(userId, template.id)) {
      throw new Refusal("conflict", `a template with id "${template.id}" already exists; give yours another id`);
    }
    this.db.insert(importedTemplates).values({ templateId: template.id, template, importedBy: userId }).run();
    return template;
  }
}
