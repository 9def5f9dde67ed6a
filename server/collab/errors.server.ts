/**
 * The two ways a client's message is turned away. Anything else thrown while handling one is
 * the server's own fault: it is logged and the connection closed with 1011.
 */

/** A frame that does not follow the protocol: the connection that sent it is closed (1007). */
export class ProtocolError extends Error {}

/**
 * A well-formed message the server will not take; the connection is closed with its code.
 * A refusal on the sync protocol, not the HTTP `Refusal` of `app/shared/errors.ts`.
 */
export class ProtocolRefusal extends Error {
  constructor(
    readonly closeCode: number,
    /** Short (a close frame's reason holds 123 bytes) and in words the page can show. */
    readonly reason: string,
  ) {
    super(reason);
  }
}
