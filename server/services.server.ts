import { availableParallelism } from "node:os";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { eq } from "drizzle-orm";
import { openStore } from "../db/store.server";
import type { Notification, Plan } from "../db/schema";
import { COLLAB_LIMITS, SIGN_IN_LIMITS, SIGNOFF_REQUEST_LIMITS } from "./limits.server";
import {
  auditCsv,
  planActivity,
  planAuditFacets,
  planAuditLog,
  recordAudit,
  planChainStatus,
  type AuditFilter,
} from "./plans/audit.server";
import { SignInThrottle } from "./auth/sign-in-throttle.server";
import { SignerCheck } from "./signoffs/signer-check.server";
import { AuthService } from "./auth/sessions.server";
import { RoomRegistry } from "./collab/rooms.server";
import { JobRunner } from "./jobs/job-runner.server";
import { openDeployment } from "./cluster/deployment.server";
import { sendEditToOwner } from "./cluster/edit-forwarding.server";
import { CreateLimits } from "./http/create-limits.server";
import { EventStreams } from "./http/event-streams.server";
import { RateLimit } from "./http/rate-limit.server";
import type { Env } from "./env.server";
import { DuplicateRowCleaner } from "./plans/duplicate-rows.server";
import { TextCellConversion } from "./plans/text-cells.server";
import { MemberService } from "./plans/members.server";
import { PlanAccessService } from "./plans/plan-access.server";
import { DeputyService } from "./people/deputies.server";
import { CloseCode } from "./collab/close-codes.server";
import { guardedAsync } from "./collab/guard.server";
import { makeClock } from "./clock.server";
import { ExportQueue } from "./pdf/export-queue.server";
import { PDF_WORKER_FILE, PlanExportService } from "./pdf/plan-export.server";
import { PlanService } from "./plans/plan-service.server";
import { PlanActivity, PlanListService } from "./plans/plan-list.server";
import { TableActivity } from "./plans/table-activity.server";
import { CommentRoomExtension } from "./comments/comment-room.server";
import { CommentService } from "./comments/comment-service.server";
import { SuggestionService } from "./suggestions/suggestion-service.server";
import { SuggestionRoomExtension } from "./suggestions/suggestion-room.server";
import { SignoffRoomExtension } from "./signoffs/signoff-room.server";
import { SignoffService } from "./signoffs/signoff-service.server";
import { SignoffWorkflow } from "./signoffs/signoff-workflow.server";
import { resolveSessionSecret } from "./auth/session-secret.server";
import { TemplateCatalog } from "./templates/template-catalog.server";
import { VersionRoomExtension } from "./versions/version-room.server";
import { VersionService } from "./versions/version-service.server";
import { loadTemplates } from "./templates/template-files.server";
import { SearchService } from "./search/search-service.server";
import { SearchRoomExtension } from "./search/search-room.server";
import { indexPlansInBackground } from "./search/search-backfill.server";
import { PortfolioService } from "./portfolio/portfolio-service.server";
import { PortfolioFeed } from "./portfolio/portfolio-feed.server";
import { MailQueue } from "./mail/mail-queue.server";
import { InvitationService } from "./people/invitations.server";
import { AccountService } from "./people/account.server";
import { AdminService } from "./people/admin.server";
import { NotificationService } from "./notifications/notification-service.server";
import { PlanNotices } from "./notifications/plan-notices.server";
import { PasswordResetService } from "./people/password-resets.server";
import { PublicLinks } from "./mail/public-links.server";
import { smtpTransport } from "./mail/transport.server";
import { resolveSeal } from "./seal/instance-seal.server";

export const TEMPLATES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../plan-templates");

/** How long after an edit to a signed section its sign-off is checked for staleness. */
const STALE_CHECK_DELAY_MS = 100;

/** Edited sections are indexed for search once edits pause this long, and at most this late. */
const SEARCH_INDEX_TIMING = { debounceMs: 500, maxWaitMs: 2000 };

/** Everything the routes and the sync server share, built once per process. */
export async function createServices(env: Env) {
  const builtInTemplates = loadTemplates(env.PLAN_TEMPLATES_DIR ?? TEMPLATES_DIR);
  const store = await openStore({ databaseUrl: env.DATABASE_URL, databasePath: env.DATABASE_PATH });
  const deployment = await openDeployment(env, store);
  const sessionSecret = await resolveSessionSecret(store, env.SESSION_SECRET);
  const cluster = deployment.cluster(sessionSecret);
  const seal = await resolveSeal(store, env);
  const templates = new TemplateCatalog(store, builtInTemplates);
  const mail = new MailQueue(store, env.SMTP_URL ? smtpTransport(env.SMTP_URL, env.MAIL_FROM) : null, {
    retryBaseMs: env.MAIL_RETRY_SECONDS * 1000,
  });
  const jobs = new JobRunner(deployment.jobLock);
  jobs.add({ name: "mail", start: () => mail.start(), stop: () => mail.close() });
  const links = new PublicLinks(env.PUBLIC_URL);
  const { events, limitStore } = deployment;
  const notifications = new NotificationService(
    store,
    mail,
    links,
    {
      emailDelayMs: env.NOTIFICATION_EMAIL_DELAY_SECONDS * 1000,
      // Asking someone to sign what their side has since signed would waste their time.
      stillApt: (notice: Notification): Promise<boolean> => signoffWorkflow.stillAsked(notice),
    },
    events,
  );
  jobs.add({ name: "notification emails", start: () => notifications.start(), stop: () => notifications.close() });
  const clock = makeClock(env.DEPUTY_CLOCK_START);
  const access = new PlanAccessService(store, clock);
  const rooms = new RoomRegistry(
    deployment.docStore,
    {
      idleUnloadMs: env.COLLAB_IDLE_UNLOAD_SECONDS * 1000,
      compactAfterUpdates: 500,
      awarenessBatchMs: 50,
      planOf: async (planId): Promise<Plan | undefined> => {
        const [plan] = await store.db.select().from(store.tables.plans).where(eq(store.tables.plans.id, planId));
        return plan;
      },
      maxPlanBytes: COLLAB_LIMITS.maxPlanBytes,
      maxPresenceClients: COLLAB_LIMITS.maxPresenceClientsPerConnection,
      editElsewhere: cluster
        ? (holder, planId, update, origin) => sendEditToOwner(cluster.secret, holder, planId, update, origin)
        : undefined,
    },
    events,
  );
  deployment.followRooms({ close: (planId) => rooms.relinquish(planId), isOpen: (planId) => rooms.isOpen(planId) });
  const eventStreams = new EventStreams();
  const signInThrottle = new SignInThrottle(SIGN_IN_LIMITS, limitStore);
  const auth = new AuthService(store, signInThrottle, {
    secret: sessionSecret,
    secure: servedOverHttps(env),
    onSessionEnded: (sessionHash) => events.publish({ type: "session-ended", sessionHash }),
  });
  events.subscribe("session-ended", ({ sessionHash }) => {
    rooms.closeSession(sessionHash);
    eventStreams.closeSession(sessionHash);
  });
  rooms.use(new TextCellConversion());
  rooms.use(new DuplicateRowCleaner());
  const versions = new VersionService(store, rooms);
  const versionRoom = new VersionRoomExtension(versions, {
    quietMs: env.VERSION_QUIET_SECONDS * 1000,
    maxIntervalMs: env.VERSION_MAX_INTERVAL_SECONDS * 1000,
  });
  rooms.use(versionRoom);
  const signoffs = new SignoffService(store, rooms, new SignerCheck(store, signInThrottle), notifications, {
    capture: (plan, doc) => versions.snapshot(plan, doc),
    pin: (tx, plan, snapshot, userId, signoffId, name) =>
      versions.make(plan, snapshot, { kind: "signoff", name, userId, signoffId }, tx),
  });
  rooms.use(new SignoffRoomExtension(signoffs, STALE_CHECK_DELAY_MS, events));
  const search = new SearchService(store, (userId) => access.readablePlanIds(userId), events);
  rooms.use(new SearchRoomExtension(search, SEARCH_INDEX_TIMING));
  const reindexAll = !(await search.wasClosedCleanly());
  await search.markClosedCleanly(false);
  let searchBackfill: { stop(): void } | undefined;
  jobs.add({
    name: "search backfill",
    start: () => (searchBackfill = indexPlansInBackground(search, rooms, reindexAll)),
    stop: () => searchBackfill?.stop(),
  });
  const plans = new PlanService(store, rooms, templates, signoffs, (plan, doc) => {
    search
      .indexPlan(plan, doc)
      .catch((error: unknown) => console.error(`could not index new plan ${plan.id} for search:`, error));
  });
  const planList = new PlanListService(store, rooms, access, signoffs);
  rooms.use(new PlanActivity((planId, at) => planList.recordEdit(planId, at)));
  rooms.use(new TableActivity((entry) => recordAudit(store, entry)));
  // A membership change is applied through the access function, so someone removed who still
  // stands in for a signatory keeps reading; the signatory's deputies follow the signatory.
  const members = new MemberService(store, (planId, userId) =>
    events.publish({ type: "access-changed", planId, userId }),
  );
  events.subscribe("access-changed", ({ planId, userId }) => {
    void guardedAsync(`applying a change of access to plan ${planId}`, async () => {
      for (const who of [userId, ...(await access.deputiesOf(userId))]) {
        rooms.updateAccess(planId, who, (await access.find(planId, who))?.role ?? null);
      }
    });
  });
  const invitations = new InvitationService(
    store,
    members,
    mail,
    links,
    (userId) => auth.startSession(userId),
    limitStore,
  );
  const comments = new CommentService(store, rooms, members, notifications);
  const signoffWorkflow = new SignoffWorkflow(store, rooms, signoffs, notifications);
  const planNotices = new PlanNotices(store, rooms, signoffWorkflow, notifications);
  jobs.add({
    name: "daily check",
    start: () => planNotices.startDailyMilestoneCheck(env.MILESTONE_CHECK_DELAY_SECONDS * 1000),
    stop: () => planNotices.stop(),
  });
  const suggestions = new SuggestionService(store, rooms, notifications);
  rooms.use(new CommentRoomExtension(comments));
  rooms.use(new SuggestionRoomExtension(suggestions));
  const portfolio = new PortfolioService(store, access, rooms, signoffs, comments, search, events, (ids) =>
    suggestions.openCellCounts(ids),
  );
  const portfolioFeed = new PortfolioFeed(access, events);
  // A deputy whose period ends loses the plans at once: open sockets are checked again (and
  // closed where only the deputyship let them in), and their live streams start afresh.
  const deputies = new DeputyService(store, clock, (deputyIds) => {
    for (const userId of deputyIds) events.publish({ type: "deputyship-ended", userId });
  });
  events.subscribe("deputyship-ended", ({ userId }) => {
    void guardedAsync(`closing the plans an ended deputyship of ${userId} opened`, () =>
      rooms.recheckAccess(userId, async (planId) => (await access.find(planId, userId))?.role ?? null, {
        code: CloseCode.DeputyshipEnded,
        reason: "your time as a deputy has ended",
      }),
    );
    eventStreams.closeUser(userId);
  });
  jobs.add({ name: "deputyships' ends", start: () => deputies.start(), stop: () => deputies.stop() });
  const exports = new PlanExportService(
    store,
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
    versions,
    seal,
    (plan) => suggestions.viewer(plan),
  );
  return {
    env,
    store,
    events,
    /** Among several processes: where plans are served, for the sync server. */
    cluster,
    /** Whether this process owns the plan now (several processes). */
    ownsPlan: (planId: string) => deployment.ownsPlan(planId),
    /** Started by the process that serves (server/index.ts), once the demo is seeded. */
    jobs,
    templates,
    auth,
    rooms,
    plans,
    access,
    deputies,
    planList,
    members,
    signoffs,
    versions,
    comments,
    suggestions,
    exports,
    seal,
    search,
    portfolio,
    portfolioFeed,
    eventStreams,
    mail,
    links,
    invitations,
    notifications,
    planNotices,
    signoffWorkflow,
    passwordResets: new PasswordResetService(store, auth, mail, links),
    account: new AccountService(store, auth, signInThrottle),
    // A deactivated signatory's deputies lose at once what they had through them.
    admin: new AdminService(store, auth, invitations, (userId) => {
      void guardedAsync(`ending the access of ${userId}'s deputies`, async () => {
        for (const deputyId of await access.deputiesOf(userId))
          events.publish({ type: "deputyship-ended", userId: deputyId });
      });
    }),
    limitStore,
    createLimits: new CreateLimits(limitStore, env.CREATE_RATE_LIMITS),
    /** Sign-off requests per person, plan and section. */
    signoffRequestLimit: new RateLimit(limitStore, "signoff-requests", SIGNOFF_REQUEST_LIMITS),
    audit: {
      forPlan: (planId: string, filter?: AuditFilter) => planAuditLog(store, planId, filter),
      activity: (plan: Parameters<typeof planActivity>[1], filter?: AuditFilter) => planActivity(store, plan, filter),
      facets: (planId: string) => planAuditFacets(store, planId),
      chain: (planId: string) => planChainStatus(store, planId),
      csv: async (planId: string, filter?: AuditFilter) =>
        auditCsv(await planAuditLog(store, planId, { ...filter, limit: 100_000 })),
    },
    /** Stores every loaded plan, then closes the database; resolves once it is closed. */
    async close() {
      void exports.close();
      const jobsStopped = jobs.stop();
      eventStreams.closeAll();
      // Each plan is stored and, among several processes, handed over as it closes.
      await rooms.closeAll();
      // Unloading every plan (above) began indexing its last edits and versioning them.
      await search.settled();
      await versionRoom.settled();
      await search.markClosedCleanly(true);
      await jobsStopped;
      await deployment.close();
      await store.close();
    },
  };
}

/** A Secure cookie is never sent back over plain HTTP, so it is set only behind HTTPS. */
export function servedOverHttps(env: Env): boolean {
  return env.ALLOWED_ORIGINS?.some((origin) => origin.startsWith("https:")) ?? false;
}

export type Services = Awaited<ReturnType<typeof createServices>>;
