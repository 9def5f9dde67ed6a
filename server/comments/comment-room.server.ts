import type { PlanEvent } from "../../app/shared/plan-events";
import type { Plan } from "../../db/schema";
import type { RoomExtension } from "../collab/rooms.server";
import type { CommentService } from "./comment-service.server";

/** Comments in a loaded plan: a client that subscribes is sent every thread first. */
export class CommentRoomExtension implements RoomExtension {
  constructor(private readonly comments: CommentService) {}

  currentEvents(plan: Plan): PlanEvent[] {
    return [{ type: "comments", comments: this.comments.list(plan) }];
  }
}
