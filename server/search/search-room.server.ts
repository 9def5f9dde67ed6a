import type * as Y from "yjs";
import { sectionDataName, sectionFragmentName } from "../../app/shared/doc-names";
import type { SharedType } from "../../app/shared/yjs-types";
import type { Plan } from "../../db/schema";
import { rootOf } from "../collab/doc-roots.server";
import { guarded } from "../collab/guard.server";
import type { PlanRoom } from "../collab/room.server";
import type { RoomExtension } from "../collab/rooms.server";
import type { SearchService } from "./search-service.server";
import { moduleLog } from "../log.server";

const logger = moduleLog("search");

export interface SearchIndexTiming {
  /** Quiet time after the last edit before the edited sections are indexed. */
  debounceMs: number;
  /** The longest an edit waits to be indexed while edits keep coming: the index's lag bound. */
  maxWaitMs: number;
}

/**
 * Keeps the search index of a loaded plan current without work on every keystroke: each
 * transaction only notes the sections it touched; they are indexed once edits pause for
 * `debounceMs`, at the latest `maxWaitMs` after the first unindexed edit, and when the plan is
 * unloaded. A plan is compared with its index when it loads, which catches edits a crash kept
 * from being indexed.
 */
export class SearchRoomExtension implements RoomExtension {
  constructor(
    private readonly search: SearchService,
    private readonly timing: SearchIndexTiming,
  ) {}

  attach(room: PlanRoom, plan: Plan): () => void {
    const sectionOfRoot = new Map<SharedType, string>();
    for (const { key } of plan.template.sections) {
      sectionOfRoot.set(room.doc.getXmlFragment(sectionFragmentName(key)), key);
      sectionOfRoot.set(room.doc.getMap(sectionDataName(key)), key);
    }
    const dirty = new Set<string>();
    let lastEdit = new Date();
    let debounce: NodeJS.Timeout | null = null;
    let deadline: NodeJS.Timeout | null = null;

    const index = guarded(`indexing plan ${room.planId} for search`, () => {
      if (debounce) clearTimeout(debounce);
      if (deadline) clearTimeout(deadline);
      debounce = deadline = null;
      if (dirty.size === 0) return;
      const keys = new Set(dirty);
      dirty.clear();
      this.indexing(room.planId, this.search.indexPlan(plan, room.doc, keys, lastEdit));
    });

    const onTransaction = guarded(`noting edits of plan ${room.planId} for search`, (transaction: Y.Transaction) => {
      let touched = false;
      for (const type of transaction.changed.keys()) {
        const key = sectionOfRoot.get(rootOf(type));
        if (key !== undefined) {
          dirty.add(key);
          touched = true;
        }
      }
      if (!touched) return;
      lastEdit = new Date();
      if (debounce) clearTimeout(debounce);
      debounce = setTimeout(index, this.timing.debounceMs);
      deadline ??= setTimeout(index, this.timing.maxWaitMs);
    });

    room.doc.on("afterTransaction", onTransaction);
    guarded(`indexing plan ${room.planId} for search as it loads`, () =>
      this.indexing(room.planId, this.search.indexPlan(plan, room.doc)),
    )();
    return () => {
      room.doc.off("afterTransaction", onTransaction);
      index();
    };
  }

  /** The document is read at once; the write that follows is logged if it fails. */
  private indexing(planId: string, write: Promise<number>): void {
    write.catch((error: unknown) =>
      logger.error({ err: error, planId }, `failed while indexing plan ${planId} for search`),
    );
  }
}
