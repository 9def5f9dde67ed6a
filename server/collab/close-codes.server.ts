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
  /** The server could not store an update: reconnect and resend. */
  InternalError: 1011,
  /** Restarting: reconnect shortly. */
  ServiceRestart: 1012,
  /** Too far behind on its messages: reconnect and resync. */
  TryAgainLater: 1013,
  /** The session signed out: sign in again. */
  SignedOut: 4401,
  /** The user was removed from the plan while connected. */
  AccessRevoked: 4403,
} as const;
