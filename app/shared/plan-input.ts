import { z } from "zod";
import { PLAN_SHOWS, PLAN_SORTS } from "./plan-list";

export const newPlanSchema = z.object({
  templateId: z.string().min(1, "templateId is required").max(100),
  title: z.string().trim().min(1, "title is required").max(200),
  area: z.string().trim().min(1, "area is required").max(200),
});

export type NewPlanInput = z.infer<typeof newPlanSchema>;

/** PATCH /api/plans/:id: a new title or area, or (un)archiving; at least one of them. */
export const planChangeSchema = z
  .object({
    title: z.string().trim().min(1, "title cannot be empty").max(200),
    area: z.string().trim().min(1, "area cannot be empty").max(200),
    archived: z.boolean(),
  })
  .partial()
  .strict()
  .refine((change) => Object.keys(change).length > 0, "send title, area or archived");

export type PlanChange = z.infer<typeof planChangeSchema>;

/** The plans list's query string; anything unknown falls back to the default view. */
export const planListQuerySchema = z.object({
  show: z.enum(PLAN_SHOWS).catch("active"),
  sort: z.enum(PLAN_SORTS).catch("edited"),
  status: z.enum(["any", "draft", "final"]).catch("any"),
});
