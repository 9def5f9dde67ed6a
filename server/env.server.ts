import { z } from "zod";

const logLevelSchema = z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info");

const envSchema = z
  .object({
    /** How much the server logs (JSON lines on stdout); `silent` for none. */
    LOG_LEVEL: logLevelSchema,
    NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    DATABASE_PATH: z.string().min(1).default("data/coplan.sqlite"),
    /** A PostgreSQL database to keep everything in instead of the SQLite file (postgres://…). */
    DATABASE_URL: z
      .url({ protocol: /^postgres(ql)?$/, error: "must be a postgres:// or postgresql:// URL" })
      .optional(),
    /**
     * Redis, for several processes serving the same plans (with DATABASE_URL): live events,
     * shared rate limits and the background-job lock.
     */
    REDIS_URL: z.url({ protocol: /^rediss?$/, error: "must be a redis:// or rediss:// URL" }).optional(),
    /** How the other processes reach this one (host:port); by default 127.0.0.1 and PORT. */
    CLUSTER_ADDRESS: z
      .string()
      .regex(/^[A-Za-z0-9.-]+:\d{1,5}$|^\[[0-9A-Fa-f:]+\]:\d{1,5}$/, "must be host:port")
      .optional(),
    /** Seconds a process holds a plan without renewing; a dead owner's plans move after this. */
    PLAN_LEASE_SECONDS: z.coerce.number().min(1).max(60).default(3),
    /**
     * Turns the lease fence off. Only for the test that shows the cluster tests catch the split
     * brain it prevents; never set it in a deployment.
     */
    UNFENCED_FOR_TESTS: z
      .enum(["0", "1"])
      .default("0")
      .transform((v) => v === "1"),
    SESSION_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
    SEED_DEMO: z
      .enum(["0", "1", "true", "false"])
      .default("1")
      .transform((v) => v === "1" || v === "true"),
    ALLOWED_ORIGINS: z
      .string()
      .optional()
      .transform((v) =>
        v
          ?.split(",")
          .map((origin) => origin.trim().replace(/\/$/, ""))
          .filter(Boolean),
      ),
    /** Where the built-in plan templates are; the repository's plan-templates/ by default. */
    PLAN_TEMPLATES_DIR: z.string().min(1).optional(),
    /** Seconds a plan with no connection stays in memory (tests shorten it). */
    COLLAB_IDLE_UNLOAD_SECONDS: z.coerce.number().positive().default(30),
    /**
     * How many reverse proxies in front of the server to trust for the client's address
     * (X-Forwarded-For); 0 takes the connection's own address, which a client cannot forge.
     */
    TRUST_PROXY: z.coerce.number().int("must be a whole number of proxies").min(0).max(10).default(0),
    /** Open connections from one client address; see server/limits.server.ts. */
    MAX_CONNECTIONS_PER_ADDRESS: z.coerce.number().int().min(1).default(64),
    /** Open plan WebSockets per user; see server/limits.server.ts. */
    MAX_WEBSOCKETS_PER_USER: z.coerce.number().int().min(1).default(20),
    /** `0` turns off the per-user limits on creating plans, templates and comments (load tests). */
    CREATE_RATE_LIMITS: z
      .enum(["0", "1", "true", "false"])
      .default("1")
      .transform((v) => v === "1" || v === "true"),
    /** Worker threads building PDFs; by default one fewer than the cores, and at least one. */
    EXPORT_WORKERS: z.coerce.number().int().min(1).max(64).optional(),
    /** PDF exports that may wait for a free worker before new ones are refused with a 429. */
    EXPORT_QUEUE_SIZE: z.coerce.number().int().min(0).max(1000).default(8),
    /** Seconds a PDF may take to build before it is stopped. */
    EXPORT_TIMEOUT_SECONDS: z.coerce.number().positive().default(120),
    /** Heap limit of each export worker, in MiB. */
    EXPORT_WORKER_MEMORY_MB: z.coerce.number().int().min(32).default(512),
    /** PDF exports one person may start in any sixty seconds. */
    EXPORT_PER_USER_PER_MINUTE: z.coerce.number().int().min(1).default(20),
    /** Where mail goes (smtp:// or smtps://, credentials in the URL); unset keeps it in the outbox. */
    SMTP_URL: z.url({ protocol: /^smtps?$/, error: "must be an smtp:// or smtps:// URL" }).optional(),
    MAIL_FROM: z.string().trim().min(3).default("Coplan <coplan@localhost>"),
    /** The address links in emails start with; by default http://localhost on the listening port. */
    PUBLIC_URL: z
      .url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" })
      .transform((v) => v.replace(/\/$/, ""))
      .optional(),
    /** Seconds before a failed send is retried; each later retry waits twice as long, up to an hour. */
    MAIL_RETRY_SECONDS: z.coerce.number().positive().default(30),
    /** Seconds a notification waits before its email goes, so one read in the app first is not emailed. */
    NOTIFICATION_EMAIL_DELAY_SECONDS: z.coerce.number().min(0).default(60),
    /** Seconds after start before the first daily check for milestones due (it reads every plan). */
    MILESTONE_CHECK_DELAY_SECONDS: z.coerce.number().min(0).default(60),
    /**
     * The department's own seal for exported PDFs: a PKCS#12 file (.p12/.pfx) with one key and its
     * certificate (and chain), and its password. Without them a self-signed seal is made on first
     * start and kept in the database.
     */
    SEAL_P12_PATH: z.string().min(1).optional(),
    SEAL_P12_PASSWORD: z.string().optional(),
    /** Seconds without an edit after which a plan's automatic version is made. */
    VERSION_QUIET_SECONDS: z.coerce.number().positive().default(60),
    /** Longest stretch of continuous editing, in seconds, without an automatic version. */
    VERSION_MAX_INTERVAL_SECONDS: z.coerce.number().positive().default(300),
    /**
     * An ISO instant the clock deputyships are timed by reads at start, running on from there
     * (tests and rehearsals of a period's end); unset, the real clock.
     */
    DEPUTY_CLOCK_START: z.iso.datetime({ offset: true, error: "must be an ISO date and time" }).optional(),
  })
  .refine((env) => !env.REDIS_URL || env.DATABASE_URL, {
    path: ["REDIS_URL"],
    message: "several processes share one database: set DATABASE_URL (PostgreSQL) too",
  });

export type Env = z.infer<typeof envSchema>;

/**
 * React and Remix read NODE_ENV themselves: they get the validated value, production unless
 * told otherwise (the server only serves `remix build` output, and React's development
 * checks make it several times slower).
 */
export function applyNodeEnv(env: Env): void {
  process.env.NODE_ENV = env.NODE_ENV;
}

/**
 * The log level alone, for the logger, which exists before the rest of the environment is
 * read (modules log from their first import). An invalid value is left for `loadEnv` to
 * report with the rest; until then the default applies.
 */
export function logLevelFrom(source: NodeJS.ProcessEnv = process.env): z.infer<typeof logLevelSchema> {
  const parsed = logLevelSchema.safeParse(source.LOG_LEVEL);
  return parsed.success ? parsed.data : "info";
}

/** The one place that reads process.env: everything else is handed the parsed result. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`).join("\n");
    throw new Error(`Invalid environment:\n${problems}`);
  }
  return parsed.data;
}
