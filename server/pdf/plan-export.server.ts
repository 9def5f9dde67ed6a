import { fileURLToPath } from "node:url";
import * as Y from "yjs";
import type { Plan } from "../../db/schema";
import type { Store } from "../../db/store.server";
import { planAuditHead, recordAudit } from "../plans/audit.server";
import type { SessionUser } from "../auth/sessions.server";
import type { RoomRegistry } from "../collab/rooms.server";
import type { CommentService } from "../comments/comment-service.server";
import type { SignoffService } from "../signoffs/signoff-service.server";
import type { SuggestionView } from "../suggestions/suggestion-service.server";
import type { VersionService } from "../versions/version-service.server";
import { sealJob, type InstanceSeal } from "../seal/instance-seal.server";
import { signoffEvidence } from "../seal/signoff-evidence.server";
import type { ExportOutcome, ExportQueue, ExportQueueStatus } from "./export-queue.server";
import type { ExportFormat, PlanExportJob } from "./pdf-worker.server";

export const PDF_WORKER_FILE = fileURLToPath(new URL("./pdf-worker.server.ts", import.meta.url));

/**
 * The plan as it is now (or as a version holds it), as a PDF or a Word document built off the
 * event loop, both through the same queue and limits; every export is in the audit log. Every
 * PDF carries its sign-offs as an embedded file and is sealed with the instance's seal.
 */
export class PlanExportService {
  constructor(
    private readonly store: Store,
    private readonly rooms: RoomRegistry,
    private readonly signoffs: SignoffService,
    private readonly comments: CommentService,
    private readonly queue: ExportQueue,
    private readonly versions: VersionService,
    private readonly seal: InstanceSeal,
    /** Every suggestion of the plan, for `?suggestions=1`'s appendix. */
    private readonly suggestionsOf: (plan: Plan) => Promise<(doc: Y.Doc) => SuggestionView[]> = async () => () => [],
  ) {}

  async exportPlan(
    plan: Plan,
    user: SessionUser,
    options: { format: ExportFormat; withComments: boolean; versionId?: number; withSuggestions?: boolean },
  ): Promise<ExportOutcome<Uint8Array>> {
    // A version unknown to the plan is refused now, before the export waits in line.
    const version = options.versionId === undefined ? null : await this.versions.forExport(plan, options.versionId);
    // Only the quick reads happen here, at the moment of asking; the worker lays out the document.
    const outcome = await this.queue.run<PlanExportJob, Uint8Array>(user.id, plan.id, async () => {
      const commentsIn = options.withComments ? await this.comments.viewer(plan) : null;
      const signoffsIn = version ? null : await this.signoffs.viewer(plan);
      const suggestionsIn = options.withSuggestions ? await this.suggestionsOf(plan) : null;
      const exportedAt = new Date();
      const fromDoc = await this.rooms.read(plan.id, (doc) => {
        const signoffs = version?.signoffs ?? signoffsIn!(doc);
        return {
          format: options.format,
          plan,
          state: version?.state ?? Y.encodeStateAsUpdate(doc),
          signoffs,
          comments: commentsIn ? commentsIn(doc) : null,
          suggestions: suggestionsIn ? suggestionsIn(doc) : null,
          exportedAt,
          exportedBy: `${user.name}, ${user.organisation}`,
          version: version?.cover ?? null,
          // The Word copy is not sealed, so its worker is never handed the key.
          seal: options.format === "pdf" ? sealJob(this.seal, exportedAt) : null,
        };
      });
      return {
        ...fromDoc,
        auditHead: await planAuditHead(this.store, plan.id),
        evidence: await signoffEvidence(this.store, plan, fromDoc.signoffs, exportedAt, options.versionId ?? null),
      };
    });
    if (outcome.ok) {
      await recordAudit(this.store, {
        planId: plan.id,
        userId: user.id,
        type: "plan.exported",
        detail: {
          format: options.format,
          withComments: options.withComments,
          ...(options.withSuggestions ? { withSuggestions: true } : {}),
          bytes: outcome.result.byteLength,
          versionId: options.versionId ?? null,
        },
      });
    }
    return outcome;
  }

  /** Where the asker's exports are in line, and how busy the export workers are. */
  queueStatus(user: SessionUser): ExportQueueStatus {
    return this.queue.status(user.id);
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
