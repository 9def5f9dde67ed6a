import type { RoomRegistry } from "../collab/rooms.server";
import type { SearchService } from "./search-service.server";
import { moduleLog } from "../log.server";

const logger = moduleLog("search");

const BATCH = 20;

/**
 * Brings the index up to date with the stored plans, a few at a time between other work: the
 * plans with no rows yet (made before the index existed), or, after a crash (edits stored but
 * not yet indexed), every plan, comparing each with its rows. A plan that fails is logged and
 * skipped.
 */
export function indexPlansInBackground(search: SearchService, rooms: RoomRegistry, all: boolean): { stop(): void } {
  let after = "";
  let timer: NodeJS.Immediate | null = null;
  let stopped = false;
  const step = async () => {
    timer = null;
    const batch = await search.plansToIndex(after, BATCH, all);
    for (const plan of batch) {
      after = plan.id;
      try {
        await rooms.peek(plan.id, (doc) => search.indexPlan(plan, doc, undefined, all ? new Date() : plan.createdAt));
      } catch (error) {
        logger.error({ err: error, planId: plan.id }, `could not index plan ${plan.id}`);
      }
      if (stopped) return;
    }
    if (batch.length === BATCH) timer = setImmediate(run);
  };
  const run = () =>
    void step().catch((error: unknown) =>
      logger.error({ err: error }, "failed while bringing the search index up to date"),
    );
  timer = setImmediate(run);
  return {
    stop() {
      stopped = true;
      if (timer) clearImmediate(timer);
    },
  };
}
