import { availableParallelism } from "node:os";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { eq } from "drizzle-orm";
import { closeDatabase, openDatabase } from "../db/client.server";
import { plans as planTable, type Plan } from "../db/schema";
import { COLLAB_LIMITS } from "./limits.server";
import { planAuditLog } from "./plans/audit.server";
import { SignInThrottle } from "./auth/sign-in-throttle.server";
import { AuthService } from "./auth/sessions.server";
import { SqliteDocStore } from "./collab/doc-store.server";
import { RoomRegistry } from "./collab/rooms.server";
import { CreateLimits } from "./http/create-limits.server";
import type { Env } from "./env.server";
import { DuplicateRowCleaner } from "./plans/duplicate-rows.server";
import { TextCellConversion } from "./plans/text-cells.server";
import { MemberService } from "./plans/members.server";
import { ExportQueue } from "./pdf/export-queue.server";
import { PDF_WORKER_FILE, PlanExportService } from "./pdf/plan-export.server";
import { PlanService } from "./plans/plan-service.server";
import { PlanActivity, PlanListService } from "./plans/plan-list.server";
import { CommentRoomExtension } from "./comments/comment-room.server";
import { CommentService } from "./comments/comment-service.server";
import { SignoffRoomExtension } from "./signoffs/signoff-room.server";
import { SignoffService } from "./signoffs/signoff-service.server";
import { resolveSessionSecret } from "./auth/session-secret.server";
import { TemplateCatalog } from "./templates/template-catalog.server";
import { loadTemplates } from "./templates/template-files.server";

export const TEMPLATES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../plan-templates");

/** How long after an edit to a signed section its sign-off is checked for staleness. */
const STALE_CHECK_DELAY_MS = 100;

/** Everything the routes and the sync server share, built once per process. */
export function createServices(env: Env) {
  const builtInTemplates = loadTemplates(env.PLAN_TEMPLATES_DIR ?? TEMPLATES_DIR);
  const db = openDatabase(env.DATABASE_PATH);
  const templates = new TemplateCatalog(db, builtInTemplates);
  const store = new SqliteDocStore(db);
  const rooms = new RoomRegistry(store, {
    idleUnloadMs: env.COLLAB_IDLE_UNLOAD_SECONDS * 1000,
    compactAfterUpdates: 500,
    awarenessBatchMs: 50,
    planOf: (planId): Plan | undefined => db.select().from(planTable).where(eq(planTable.id, planId)).get(),
    maxPlanBytes: COLLAB_LIMITS.maxPlanBytes,
    maxPresenceClients: COLLAB_LIMITS.maxPresenceClientsPerConnection,
  });
  const auth = new AuthService(db, new SignInThrottle(), {
    secret: resolveSessionSecret(db, env.SESSION_SECRET),
    secure: servedOverHttps(env),
    onSessionEnded: (sessionHash) => rooms.closeSession(sessionHash),
  });
  rooms.use(new TextCellConversion());
  rooms.use(new DuplicateRowCleaner());
  const signoffs = new SignoffService(db, rooms);
  rooms.use(new SignoffRoomExtension(signoffs, STALE_CHECK_DELAY_MS));
  const plans = new PlanService(db, store, rooms, templates, signoffs);
  const planList = new PlanListService(db, rooms, plans, signoffs);
  rooms.use(new PlanActivity((planId, at) => planList.recordEdit(planId, at)));
  const members = new MemberService(db, (planId, userId, role) => rooms.updateAccess(planId, userId, role));
  const comments = new CommentService(db, rooms, members);
  rooms.use(new CommentRoomExtension(comments));
  const exports = new PlanExportService(
    db,
    rooms,
    signoffs,
    comments,
    new ExportQueue({
      workerFile: PDF_WORKER_FILE,
      // One core stays free for the event loop.
      workers: env.EXPORT_WORKERS ?? Math.max(1, availableParallelism() - 1),
      queueSize: env.EXPORT_QUEUE_SIZE,
      timeoutMs: env.EXPORT_TIMEOUT_SECONDS * 1000,
      memoryMb: env.EXPORT_WORKER_MEMORY_MB,
      perUserPerMinute: env.EXPORT_PER_USER_PER_MINUTE,
    }),
  );
  return {
    env,
    db,
    templates,
    auth,
    rooms,
    plans,
    planList,
    members,
    signoffs,
    comments,
    exports,
    createLimits: new CreateLimits(env.CREATE_RATE_LIMITS),
    audit: { forPlan: (planId: string) => planAuditLog(db, planId) },
    close() {
      void exports.close();
      rooms.closeAll();
      closeDatabase(db);
    },
  };
}

/** A Secure cookie is never sent back over plain HTTP, so it is set only behind HTTPS. */
export function servedOverHttps(env: Env): boolean {
  return env.ALLOWED_ORIGINS?.some((origin) => origin.startsWith("https:")) ?? false;
}

export type Services = ReturnType<typeof createServices>;
