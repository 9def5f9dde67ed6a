import type { PlanEvent } from "../../app/shared/plan-events";
import type { Plan } from "../../db/schema";
import type { RoomExtension } from "../collab/rooms.server";
import type { SuggestionService } from "./suggestion-service.server";

/**
 * Cell proposals in a loaded plan: they live outside the document (decision 0034), so a client
 * that subscribes is sent the open ones first, and the service publishes each change.
 */
export class SuggestionRoomExtension implements RoomExtension {
  constructor(private readonly suggestions: SuggestionService) {}

  async currentEvents(plan: Plan): Promise<PlanEvent[]> {
    return [{ type: "cell-suggestions", suggestions: await this.suggestions.openCells(plan) }];
  }
}
