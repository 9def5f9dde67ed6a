/** How the plans list can be sorted and which plans it shows (archived ones are hidden by default). */
export const PLAN_SORTS = ["edited", "title", "area", "progress"] as const;
export type PlanSort = (typeof PLAN_SORTS)[number];
export const PLAN_SHOWS = ["active", "archived", "all"] as const;
export type PlanShow = (typeof PLAN_SHOWS)[number];
