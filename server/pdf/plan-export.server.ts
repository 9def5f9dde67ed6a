import type { Db } from "../../db/client.server";
import type { Plan } from "../../db/schema";
import { recordAudit } from "../audit.server";
import type { SessionUser } from "../auth/sessions.server";
import type { RoomRegistry } from "../collab/rooms.server";
import type { CommentService } from "../comments/comment-service.server";
import type { SignoffService } from "../signoffs/signoff-service.server";
import { renderPdf } from "./pdf-engine.server";
import { planPdfDefinition } from "./plan-pdf.server";

/** The plan as it is now, as a PDF; every export is in the audit log. */
export class PlanExportService {
  constructor(
    private readonly db: Db,
    private readonly rooms: RoomRegistry,
    private readonly signoffs: SignoffService,
    private readonly comments: CommentService,
  ) {}

  async exportPdf(plan: Plan, user: SessionUser, options: { withComments: boolean }): Promise<Buffer> {
    const definition = this.rooms.read(plan.id, (doc) => {
      const signoffs = this.signoffs.view(plan, doc);
      return planPdfDefinition({
        plan,
        doc,
        signoffs,
        comments: options.withComments ? this.comments.list(plan) : null,
        exportedAt: new Date(),
        exportedBy: `${user.name}, ${user.organisation}`,
      });
    });
    const pdf = await renderPdf(definition);
    recordAudit(this.db, {
      planId: plan.id,
      userId: user.id,
      type: "plan.exported",
      detail: { format: "pdf", withComments: options.withComments, bytes: pdf.length },
    });
    return pdf;
  }
}
