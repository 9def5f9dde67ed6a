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
   * Largest request body on any route. The largest thing anyone sends over HTTP is a template
   * file (256 KB at most, as JSON or inside a multipart form); everything else is a small form
   * or JSON object. Bodies are read into memory up to this and refused beyond it.
   */
  maxBodyBytes: 512 * KIB,
  /**
   * A client must have sent all of a request's headers within this. Browsers send them at once;
   * a client that drips them (slowloris) is cut instead of holding a connection for Node's
   * default minute.
   */
  headersTimeoutMs: 10_000,
  /** The whole request, body included: 512 KiB in 30 s is 17 KB/s, far below any real link. */
  requestTimeoutMs: 30_000,
  /** An idle keep-alive connection is closed after this (Node's own default). */
  keepAliveTimeoutMs: 5_000,
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
 * starts a handful of plans a day and writes a comment every few seconds at most.
 */
export const CREATE_LIMITS = {
  plan: { points: 20, durationSeconds: 10 * 60 },
  template: { points: 20, durationSeconds: 10 * 60 },
  comment: { points: 60, durationSeconds: 60 },
} as const;

export type CreateKind = keyof typeof CREATE_LIMITS;

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
