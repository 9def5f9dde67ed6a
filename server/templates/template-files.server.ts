import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { z } from "zod";
import { planTemplateSchema, type PlanTemplate } from "../../app/shared/template-schema";

/** A template that does not validate: says which file, where in it, and what is wrong. */
export class TemplateError extends Error {
  constructor(
    readonly source: string,
    readonly problems: { path: string; message: string }[],
  ) {
    super(
      `Invalid plan template ${source}:\n` +
        problems.map((p) => `  at ${p.path || "(top level)"}: ${p.message}`).join("\n"),
    );
  }
}

/** Parses and validates one template given as JSON text. */
export function parseTemplate(source: string, json: string): PlanTemplate {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (error) {
    throw new TemplateError(source, [{ path: "", message: `not valid JSON: ${(error as Error).message}` }]);
  }
  const parsed = planTemplateSchema.safeParse(data);
  if (!parsed.success) throw new TemplateError(source, describeIssues(parsed.error));
  return parsed.data;
}

function describeIssues(error: z.ZodError) {
  return error.issues.map((issue) => ({
    path: issue.path
      .map((part) => (typeof part === "number" ? `[${part}]` : `.${String(part)}`))
      .join("")
      .replace(/^\./, ""),
    message: issue.message,
  }));
}

/** Loads every `*.json` template in a folder; the first invalid one stops the load. */
export function loadTemplates(dir: string): Map<string, PlanTemplate> {
  const templates = new Map<string, PlanTemplate>();
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort();
  for (const file of files) {
    const template = parseTemplate(file, readFileSync(join(dir, file), "utf8"));
    if (templates.has(template.id)) {
      throw new TemplateError(file, [{ path: "id", message: `template id "${template.id}" is used by another file` }]);
    }
    templates.set(template.id, template);
  }
  if (templates.size === 0) throw new Error(`No plan templates found in ${dir}`);
  return templates;
}
