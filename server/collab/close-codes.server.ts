/** WebSocket close codes a collaboration client may see, and what each means. */
export const CloseCode = {
  /** The plan was unloaded or the server is stopping: reconnect. */
  GoingAway: 1001,
  /** A text frame: the protocol is binary only. */
  UnsupportedData: 1003,
  /** A frame that is not a valid y-websocket message. */
  InvalidPayload: 1007,
  /** A frame over the size limit (sent by ws itself). */
  MessageTooBig: 1009,
  /** The server failed (it logs why), not the client: reconnect after a while. */
  InternalError: 1011,
  /** Restarting: reconnect shortly. */
  ServiceRestart: 1012,
  /** Too far behind on its messages, or the server is busy: reconnect later and resync. */
  TryAgainLater: 1013,
  /**
   * A well-formed change the plan's schema cannot hold (an unknown part, element or
   * formatting, nesting too deep) or presence over its limits; the reason says which. Not
   * applied, stored or relayed; sending it again gets the same answer.
   */
  UpdateRefused: 4400,
  /** The session signed out: sign in again. */
  SignedOut: 4401,
  /** The user was removed from the plan while connected. */
  AccessRevoked: 4403,
  /** The user's time as a deputy (their only way into the plan) ended while connected. */
  DeputyshipEnded: 4410,
  /** A change over the size limit, or one that would take the plan past its size limit. */
  TooLarge: 4413,
} as const;
