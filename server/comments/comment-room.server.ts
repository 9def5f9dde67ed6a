import type { PlanEvent } from "../../app/shared/plan-events";
import type { Plan } from "../../db/schema";
import type { RoomExtension } from "../collab/rooms.server";
import type { CommentService } from "./comment-service.server";

/** Comments in a loaded plan: a client that subscribes is sent every thread first. */
export class CommentRoomExtension implements RoomExtension {
  constructor(private readonly comments: CommentService) {}

  async currentEvents(plan: Plan): Promise<PlanEvent[]> {
    return [{ type: "comments", comments: await this.comments.list(plan) }];
  }
}
