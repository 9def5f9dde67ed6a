import { createHash, randomBytes } from "node:crypto";

/** A one-time link's secret: 256 random bits for the URL, and the hash the database keeps. */
export function newLinkToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, hash: hashLinkToken(token) };
}

/** The token is random and long, so a plain SHA-256 cannot be reversed or guessed. */
export function hashLinkToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
