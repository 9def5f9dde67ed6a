import type * as Y from "yjs";
import type { Plan } from "../../db/schema";
import { guarded } from "../collab/guard.server";
import type { RoomExtension } from "../collab/rooms.server";
import type { PlanRoom } from "../collab/room.server";
import { editorOf } from "../collab/server-edit.server";
import { moduleLog } from "../log.server";
import type { VersionService } from "./version-service.server";

const logger = moduleLog("versions");

export interface AutoVersionTiming {
  /** A version is made once the plan has had no edit for this long. */
  quietMs: number;
  /** ... and at least this often while people keep editing. */
  maxIntervalMs: number;
}

/**
 * Automatic versions of a loaded plan: after a quiet spell following edits, at least every
 * `maxIntervalMs` of continuous editing, and when the plan is unloaded with edits not yet in a
 * version. Each transaction only notes who edited and moves a timer; the version is made later.
 */
export class VersionRoomExtension implements RoomExtension {
  /** Versions being written: a stopping server waits for them before it closes the database. */
  private readonly writing = new Set<Promise<void>>();

  constructor(
    private readonly versions: VersionService,
    private readonly timing: AutoVersionTiming,
  ) {}

  attach(room: PlanRoom, plan: Plan): () => void {
    let quiet: NodeJS.Timeout | null = null;
    let longest: NodeJS.Timeout | null = null;

    const makeVersion = guarded(`making an automatic version of plan ${room.planId}`, () => {
      if (quiet) clearTimeout(quiet);
      if (longest) clearTimeout(longest);
      quiet = longest = null;
      // A room whose storage failed holds edits the disk does not: no version may show them.
      if (room.doc.isDestroyed || room.isBroken() || !this.versions.hasUnversionedEdits(room.planId)) return;
      const written = this.versions
        .makeAuto(plan, room.doc)
        .then(
          () => undefined,
          (error: unknown) =>
            logger.error({ err: error }, `failed while making an automatic version of plan ${room.planId}`),
        )
        .finally(() => this.writing.delete(written));
      this.writing.add(written);
    });

    const onTransaction = guarded(`noting edits of plan ${room.planId}`, (transaction: Y.Transaction) => {
      if (transaction.changed.size === 0) return;
      this.versions.noteEdit(room.planId, editorOf(transaction.origin));
      if (quiet) clearTimeout(quiet);
      quiet = setTimeout(makeVersion, this.timing.quietMs);
      quiet.unref();
      if (!longest) {
        longest = setTimeout(makeVersion, this.timing.maxIntervalMs);
        longest.unref();
      }
    });

    room.doc.on("afterTransaction", onTransaction);
    return () => {
      room.doc.off("afterTransaction", onTransaction);
      makeVersion();
    };
  }

  /** Resolves once every version being written (those of plans just unloaded among them) is. */
  async settled(): Promise<void> {
    while (this.writing.size > 0) await Promise.allSettled([...this.writing]);
  }
}
