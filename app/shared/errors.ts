/**
 * A request the domain refuses, with the kind of refusal; routes turn the kind into an HTTP
 * status, so services never speak HTTP and clients never see a 500 for their own mistake.
 */
export type RefusalKind = "invalid" | "unauthenticated" | "forbidden" | "not-found" | "conflict" | "too-many";

export class Refusal extends Error {
  /** Checked instead of `instanceof`: the Remix build holds its own copy of this class. */
  readonly isRefusal = true;

  constructor(
    readonly kind: RefusalKind,
    message: string,
    /** More for the client to act on, sent beside `error` (e.g. a 409's `changes`). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export function isRefusal(error: unknown): error is Refusal {
  return typeof error === "object" && error !== null && (error as Partial<Refusal>).isRefusal === true;
}

export const REFUSAL_STATUS: Record<RefusalKind, number> = {
  invalid: 400,
  /** A password asked for again (at signing) was missing or wrong. */
  unauthenticated: 401,
  forbidden: 403,
  "not-found": 404,
  conflict: 409,
  "too-many": 429,
};

/** A "too-many" refusal: the person may try again in this many seconds. */
export function tooMany(message: string, retryAfterSeconds: number): Refusal {
  return new Refusal("too-many", `${message}; try again in ${retryAfterSeconds} s`, { retryAfterSeconds });
}

/** The Retry-After header a refusal asks for, if it is a "too-many" one. */
export function retryAfterHeaders(refusal: Refusal): Record<string, string> {
  const seconds = refusal.details.retryAfterSeconds;
  return refusal.kind === "too-many" && typeof seconds === "number" ? { "Retry-After": String(seconds) } : {};
}
