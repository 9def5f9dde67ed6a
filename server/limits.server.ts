/**
 * What one client may take from the server, in one place. Each value is sized for the largest
 * legitimate use and explained beside it; the few a deployment may need to change (offices
 * behind one address, load tests) are read from the environment, see server/env.server.ts.
 */
import type { Env } from "./env.server";

const KIB = 1024;

/** Request bodies and HTTP connection timing. */
export const HTTP_LIMITS = {
  /**
   * Largest request body on any route, JSON or form alike: the one body limit, applied before a
   * route runs (server/http/request-body.server.ts). The largest thing anyone sends over HTTP
   * is a template file (`maxTemplateBytes`, as JSON or inside a multipart form, with room for
   * the form's own bytes); everything else is a small form or JSON object. Bodies are read into
   * memory up to this and refused beyond it.
   */
  maxBodyBytes: 512 * KIB,
  /** Largest template file: the biggest built-in template is about a tenth of this. */
  maxTemplateBytes: 256 * KIB,
  /**
   * A client must have sent all of a request's headers within this. Browsers send them at once;
   * a client that drips them (slowloris) is cut instead of holding a connection for Node's
   * default minute.
   */
  headersTimeoutMs: 10_000,
  /** The whole request, body included: 512 KiB in 30 s is 17 KB/s, far below any real link. */
  requestTimeoutMs: 30_000,
  /**
   * How long clients are told (`Keep-Alive: timeout=5`) they may keep an idle connection to
   * reuse it (Node's own default). Clients count it from when they finished reading an answer.
   */
  keepAliveTimeoutMs: 5_000,
  /**
   * How much longer the server keeps an idle connection open than it told, on top of Node's
   * own second. The server counts idle time from when it finished writing, and a busy client
   * (or one that reads a large body only later) finishes reading seconds after that: closing
   * at the advertised time closed connections that clients were, by their count, still
   * entitled to reuse ("fetch failed: other side closed"). Idle connections still count
   * towards the per-address cap.
   */
  keepAliveGraceMs: 10_000,
  /** How often Node checks the two timeouts above; its default of 30 s would let them overrun. */
  connectionsCheckingIntervalMs: 1_000,
} as const;

export interface SignInLimits {
  failuresPerAccountAndAddress: number;
  accountAndAddressWindowSeconds: number;
  accountAndAddressBlockSeconds: number;
  failuresPerAddress: number;
  addressWindowSeconds: number;
}

/** Sign-in throttling (server/auth/sign-in-throttle.server.ts). */
export const SIGN_IN_LIMITS: SignInLimits = {
  /**
   * Consecutive failures for one account from one address before that pair is blocked. Counted
   * per pair, so a stranger guessing someone's password never blocks the owner elsewhere.
   */
  failuresPerAccountAndAddress: 10,
  /** How long those failures are remembered, and how long the pair is then blocked. */
  accountAndAddressWindowSeconds: 60 * 60,
  accountAndAddressBlockSeconds: 15 * 60,
  /**
   * Failures from one address over all accounts before the address is blocked: a whole office
   * behind one address mistyping passwords stays far below this; a guesser trying many
   * accounts reaches it.
   */
  failuresPerAddress: 100,
  addressWindowSeconds: 60 * 60,
};

/**
 * Per-user rate limits on creating things, so one account cannot fill the database. A person
 * starts a handful of plans a day, writes a comment every few seconds at most, and names or
 * restores a version now and then.
 */
export const CREATE_LIMITS = {
  plan: { points: 20, durationSeconds: 10 * 60 },
  template: { points: 20, durationSeconds: 10 * 60 },
  comment: { points: 60, durationSeconds: 60 },
  /** Named versions and restores: each stores a compressed copy of the whole plan. */
  version: { points: 20, durationSeconds: 10 * 60 },
} as const;

export type CreateKind = keyof typeof CREATE_LIMITS;

/**
 * Invitation emails (new, again for a pending one, and resent), so nobody can use Coplan's
 * sender to flood an inbox. An owner setting up a plan invites a team of a dozen or two at
 * once; an invitee needs the first email and perhaps one or two again.
 */
export const INVITATION_LIMITS = {
  perInviter: { points: 30, durationSeconds: 60 * 60 },
  perAddress: { points: 3, durationSeconds: 60 * 60 },
} as const;

/**
 * Password reset emails one account gets in an hour: enough to retry, too few to flood an
 * inbox; and how long a link works.
 */
export const PASSWORD_RESET_LIMITS = { perAccountPerHour: 3, linkMinutes: 60 } as const;

/**
 * "Request sign-off" per person and section: each one notifies (and emails) every signatory
 * still to sign, so asking, and reminding once or twice, is all anyone needs in an hour.
 */
export const SIGNOFF_REQUEST_LIMITS = { points: 3, durationSeconds: 60 * 60 } as const;

export interface ConnectionLimits {
  /**
   * Open TCP connections (HTTP and WebSocket alike) from one address. A browser opens at most 6
   * HTTP connections per host plus one WebSocket per open plan, so 64 leaves room for several
   * people behind one address; an office with many more sets MAX_CONNECTIONS_PER_ADDRESS.
   */
  maxConnectionsPerAddress: number;
  /** Open plan WebSockets per user: one per open tab or window of a plan. */
  maxWebSocketsPerUser: number;
}

export function connectionLimits(env: Env): ConnectionLimits {
  return {
    maxConnectionsPerAddress: env.MAX_CONNECTIONS_PER_ADDRESS,
    maxWebSocketsPerUser: env.MAX_WEBSOCKETS_PER_USER,
  };
}

/**
 * The plan WebSocket and what one client's messages may make the sync server hold or do.
 * Editors are trusted with content, not with the server: these bound the work and memory one
 * connection can cause, well above what the editor produces.
 */
export const COLLAB_LIMITS = {
  /**
   * Largest WebSocket frame; ws closes a larger one with 1009 before buffering it. Above the
   * update limit so that an oversized update is refused with a readable reason, not cut off.
   */
  maxPayloadBytes: 8 * 1024 * 1024,

  /**
   * Largest document update one message may carry. Pasting a 200-page report makes about
   * 1.2 MB of Yjs update (the cold-open benchmark's plan); a sync after days offline is far
   * smaller. Applying 4 MiB of the worst shape allowed takes well under a second.
   */
  maxUpdateBytes: 4 * 1024 * 1024,

  /**
   * Largest stored plan (snapshot plus update log) that still takes updates that add content.
   * Ten times the 200-page plan; each open plan costs about 20 times its stored size in
   * memory (decision 0011). Past it, updates that only delete are still taken, so a plan can
   * always be trimmed back under the limit.
   */
  maxPlanBytes: 16 * 1024 * 1024,

  /**
   * Deepest nesting of elements in a section's rich text, counted from the section. The
   * editor nests only through lists (a list and its item are two levels) and blockquotes;
   * ten levels of list in a blockquote with its paragraph is 22. Word and Google Docs stop
   * lists at nine levels.
   */
  maxElementDepth: 32,

  /**
   * Deepest nesting of shared types in a structured part, counted from `data:<key>`:
   * `rows` (1) holds row maps (2), whose `amounts` map or free-text `Y.Text` is 3.
   */
  maxDataDepth: 3,

  /**
   * Deepest nesting of a plain JSON value (an element attribute, a row field, a mark's
   * attributes): a link mark's `{href, target}` is 1.
   */
  maxValueDepth: 2,

  /** Unsent bytes one connection may have queued before it is dropped as too slow. */
  maxBufferedBytes: 4 * 1024 * 1024,

  /**
   * Bytes the whole process may hold queued for messages bigger than one connection's share
   * (a large plan's full state on join). A join that would pass it is told to try again
   * later (1013), so many clients asking for a big plan at once cannot exhaust memory.
   */
  maxLargeSendBytes: 64 * 1024 * 1024,

  /**
   * Presence client ids one connection may speak for. The stock provider uses one per
   * document; a page that reloads its document while connected may briefly hold two.
   */
  maxPresenceClientsPerConnection: 4,

  /**
   * Presence entries in one message. The stock provider repeats every presence change it
   * hears, so one message may carry an entry for everyone on the plan (a few hundred at the
   * capacity benchmark's largest); past this it is a flood, refused before it is read.
   */
  maxPresenceEntriesPerMessage: 10_000,

  /**
   * Client ids that have left a plan which its presence still remembers (their last clock, so
   * a late echo of a departed cursor is not shown again); the oldest are forgotten past this.
   */
  maxDepartedPresenceClients: 1_000,

  /** Largest presence state (JSON): a cursor with the user's name is about 400 bytes. */
  maxPresenceStateBytes: 8 * 1024,

  /** How often each connection is pinged; one that misses a pong is closed. */
  pingIntervalMs: 30_000,
} as const;

export type CollabLimits = typeof COLLAB_LIMITS;

/**
 * What a structured section's table may hold (the schema is in app/shared/table-values.ts;
 * decision 0026). The update check refuses more; readers read no more rows than this.
 */
export const TABLE_LIMITS = {
  /**
   * Rows in one section. The longest real table (a county's budget lines) has a few hundred;
   * 5,000 rows of a budget are about 1 MB of Yjs state and render in under a second.
   */
  maxRowsPerSection: 5_000,
  /** Characters in one text cell: about three pages; longer writing belongs in the narrative. */
  maxCellChars: 10_000,
  /** Financial years in a budget: a ten-year plan is ten; every total is worked out per year. */
  maxBudgetYears: 50,
  /**
   * A mark's attributes as JSON: a link's `{href, target, rel, class}` with a long address
   * is well under 1 KiB; the bound keeps each of the few marks a run may hold small.
   */
  maxMarkAttributeBytes: 2 * KIB,
} as const;

/** Comparing two versions (server/versions/compare.server.ts). */
export const COMPARE_LIMITS = {
  /**
   * What the word diffs of one compare may take in all, across its sections (each section
   * also stops at 250 ms). A compare runs on the event loop: this keeps everyone else's
   * requests, /api/health included, answered within half a second while a viewer compares
   * two very different versions of a many-section plan (14 sections took 1.6 s before).
   */
  wholeCompareMs: 200,
} as const;
