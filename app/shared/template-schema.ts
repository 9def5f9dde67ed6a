import { z } from "zod";
import { SIDES } from "./permissions";

export const SECTION_KINDS = ["text", "budget", "outcomes", "milestones", "gap", "delivery-chain", "register"] as const;

const sideSchema = z.enum(SIDES);

export const templateSectionSchema = z.strictObject({
  key: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "must be lower-case words joined by hyphens"),
  title: z.string().trim().min(1).max(200),
  kind: z.enum(SECTION_KINDS),
  guidance: z.string().trim().min(1).max(4000),
  signoff: z
    .array(sideSchema)
    .min(1, "at least one side must sign the section off")
    .refine((sides) => new Set(sides).size === sides.length, "lists a side twice"),
});

export const planTemplateSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "must be lower-case words joined by hyphens"),
    version: z.number().int().positive(),
    title: z.string().trim().min(1).max(200),
    description: z.string().trim().min(1).max(2000),
    source: z.string().trim().min(1).max(500),
    sections: z.array(templateSectionSchema).min(1),
  })
  .superRefine((template, ctx) => {
    const seen = new Set<string>();
    template.sections.forEach((section, index) => {
      if (seen.has(section.key)) {
        ctx.addIssue({
          code: "custom",
          path: ["sections", index, "key"],
          message: `duplicate section key "${section.key}"`,
        });
      }
      seen.add(section.key);
    });
  });

export type PlanTemplate = z.infer<typeof planTemplateSchema>;
export type TemplateSection = z.infer<typeof templateSectionSchema>;
export type SectionKind = (typeof SECTION_KINDS)[number];
