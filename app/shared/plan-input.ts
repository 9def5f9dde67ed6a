import { z } from "zod";

export const newPlanSchema = z.object({
  templateId: z.string().min(1, "templateId is required").max(100),
  title: z.string().trim().min(1, "title is required").max(200),
  area: z.string().trim().min(1, "area is required").max(200),
});

export type NewPlanInput = z.infer<typeof newPlanSchema>;
