import { eq } from "drizzle-orm";
import type { PlanEvent } from "../../app/shared/plan-events";
import type { Db } from "../../db/client.server";
import { plans } from "../../db/schema";
import type { RoomExtension } from "../collab/rooms.server";
import type { CommentService } from "./comment-service.server";

/** Comments in a loaded plan: a client that subscribes is sent every thread first. */
export class CommentRoomExtension implements RoomExtension {
  constructor(
    private readonly db: Db,
    private readonly comments: CommentService,
  ) {}

  attach(): () => void {
    return () => {};
  }

  currentEvents(planId: string): PlanEvent[] {
    const plan = this.db.select().from(plans).where(eq(plans.id, planId)).get();
    return plan ? [{ type: "comments", comments: this.comments.list(plan) }] : [];
  }
}
