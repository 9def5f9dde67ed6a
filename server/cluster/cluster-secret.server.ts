import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

/** The secret processes of one deployment show each other, derived from the session secret they share. */
export function clusterSecret(sessionSecret: string): string {
  return createHmac("sha256", sessionSecret).update("coplan cluster forwarding").digest("base64url");
}

/** Whether a request shows the processes' shared secret (compared in constant time). */
export function showsClusterSecret(request: IncomingMessage, secret: string): boolean {
  const shown = Buffer.from(request.headers.authorization ?? "");
  const expected = Buffer.from(`Bearer ${secret}`);
  return shown.length === expected.length && timingSafeEqual(shown, expected);
}
