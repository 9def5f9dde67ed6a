import type { RoomRegistry } from "../collab/rooms.server";
import { guarded } from "../collab/guard.server";
import type { SearchService } from "./search-service.server";

const BATCH = 20;

/**
 * Indexes, a few at a time between other work, the plans that have no rows in the index yet
 * (those made before it existed). A plan that fails is logged and skipped.
 */
export function indexUnindexedPlans(search: SearchService, rooms: RoomRegistry): { stop(): void } {
  const failed = new Set<string>();
  let timer: NodeJS.Immediate | null = null;
  const step = guarded("indexing plans made before the search index", () => {
    const batch = search.unindexedPlans(BATCH + failed.size).filter((plan) => !failed.has(plan.id));
    for (const plan of batch) {
      try {
        rooms.peek(plan.id, (doc) => search.indexPlan(plan, doc, undefined, plan.createdAt));
      } catch (error) {
        failed.add(plan.id);
        console.error(`[search] could not index plan ${plan.id}`, error);
      }
    }
    timer = batch.length > 0 ? setImmediate(step) : null;
  });
  timer = setImmediate(step);
  return {
    stop() {
      if (timer) clearImmediate(timer);
    },
  };
}
