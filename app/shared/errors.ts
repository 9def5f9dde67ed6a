/**
 * A request the domain refuses, with the kind of refusal; routes turn the kind into an HTTP
 * status, so services never speak HTTP and clients never see a 500 for their own mistake.
 */
export type RefusalKind = "invalid" | "forbidden" | "not-found" | "conflict";

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
  forbidden: 403,
  "not-found": 404,
  conflict: 409,
};
