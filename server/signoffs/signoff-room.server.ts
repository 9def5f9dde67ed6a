import type * as Y from "yjs";
import type { PlanEvent } from "../../app/shared/plan-events";
import { sectionDataName, sectionFragmentName } from "../../app/shared/doc-names";
import type { Plan } from "../../db/schema";
import type { RoomExtension } from "../collab/rooms.server";
import { rootOf } from "../collab/doc-roots.server";
import { guarded } from "../collab/guard.server";
import { moduleLog } from "../log.server";
import type { PlanRoom } from "../collab/room.server";
import { editorOf } from "../collab/server-edit.server";
import type { SignoffService } from "./signoff-service.server";
import type { SharedType } from "../../app/shared/yjs-types";
import type { EventBus } from "../events/event-bus.server";

const logger = moduleLog("signoffs");

/**
 * Sign-offs in a loaded plan: they turn stale when their section changes, and a client that
 * subscribes is told their state. Each transaction only notes which signed sections it touched
 * and who made it; the hashing happens a moment later, off the path that stores and relays the
 * edit, with every edit of that moment folded into one check.
 */
export class SignoffRoomExtension implements RoomExtension {
  constructor(
    private readonly signoffs: SignoffService,
    private readonly delayMs: number,
    private readonly events: EventBus,
  ) {}

  attach(room: PlanRoom, plan: Plan): () => void {
    const sectionOfRoot = new Map<SharedType, string>();
    for (const { key } of plan.template.sections) {
      sectionOfRoot.set(room.doc.getXmlFragment(sectionFragmentName(key)), key);
      sectionOfRoot.set(room.doc.getMap(sectionDataName(key)), key);
    }
    const dirty = new Map<string, string | null>();
    let timer: NodeJS.Timeout | null = null;

    const check = guarded(`checking sign-offs of plan ${room.planId} for staleness`, () => {
      if (timer) clearTimeout(timer);
      timer = null;
      if (dirty.size === 0) return;
      const changedBy = new Map(dirty);
      dirty.clear();
      this.signoffs
        .markStaleIfChanged(room.planId, room.doc, changedBy)
        .catch((error: unknown) =>
          logger.error({ err: error }, `failed while checking sign-offs of plan ${room.planId} for staleness`),
        );
    });

    const onTransaction = guarded(
      `noting edits of signed sections of plan ${room.planId}`,
      (transaction: Y.Transaction) => {
        // Until the watched sections are read, any section edited is checked.
        const watched = this.signoffs.watchedNow(room.planId);
        if (watched?.size === 0) return;
        for (const type of transaction.changed.keys()) {
          const key = sectionOfRoot.get(rootOf(type));
          if (key !== undefined && (!watched || watched.has(key))) dirty.set(key, editorOf(transaction.origin));
        }
        if (dirty.size > 0 && timer === null) timer = setTimeout(check, this.delayMs);
      },
    );

    /** Checks every signed section, whatever edits were noted. */
    const checkAll = () =>
      this.signoffs.watchedSections(room.planId).then(
        (keys) => {
          if (room.doc.isDestroyed) return;
          for (const key of keys) if (!dirty.has(key)) dirty.set(key, null);
          check();
        },
        (error: unknown) =>
          logger.error({ err: error }, `failed while reading the signed sections of plan ${room.planId}`),
      );

    room.doc.on("afterTransaction", onTransaction);
    // Edits stored before a crash, whose check never ran, are caught when the plan loads.
    void checkAll();
    // A sign-off made on another process (or here) is checked against what this room holds
    // now: edits since its content was read would otherwise never turn it stale.
    const offSignoffs = this.events.subscribe("plan-event", ({ planId, event }) => {
      if (planId !== room.planId || event.type !== "signoffs") return;
      this.signoffs.forget(planId);
      void checkAll();
    });
    return () => {
      offSignoffs();
      room.doc.off("afterTransaction", onTransaction);
      check();
      this.signoffs.forget(room.planId);
    };
  }

  async currentEvents(plan: Plan): Promise<PlanEvent[]> {
    return [{ type: "signoffs", signoffs: await this.signoffs.current(plan) }];
  }
}
