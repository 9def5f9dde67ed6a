import { convertTextCells } from "../../app/shared/section-rows";
import type { Plan } from "../../db/schema";
import type { PlanRoom } from "../collab/room.server";
import type { RoomExtension } from "../collab/rooms.server";
import { moduleLog } from "../log.server";

const logger = moduleLog("collab");

/** The origin of the conversion edit, so that logs and observers can tell it from a person's. */
export const TEXT_CELL_CONVERSION = Symbol("text cells converted by the server");

/**
 * Plans made before table cells merged by character hold their free-text cells as strings.
 * When such a plan loads, the server (one actor for every client) turns them into `Y.Text`;
 * the edit is stored and relayed like any other. The cells read the same afterwards, so the
 * sections hash the same and no sign-off goes stale.
 */
export class TextCellConversion implements RoomExtension {
  attach(room: PlanRoom, plan: Plan): void {
    let converted = 0;
    room.doc.transact(() => {
      converted = convertTextCells(room.doc, plan.template.sections);
    }, TEXT_CELL_CONVERSION);
    if (converted > 0) {
      logger.info(
        { planId: room.planId, converted },
        `plan ${room.planId}: ${converted} table cells made mergeable text`,
      );
    }
  }
}
