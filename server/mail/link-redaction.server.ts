/**
 * The one-time links emails carry, and their tokens taken out. Whoever reads the outbox
 * (administrators) must never hold a link that still works: a reset link is account takeover,
 * and a delivered invitation is the invitee's to use.
 */
const RESET_LINK = /(\/password-reset\/)[A-Za-z0-9_-]{20,100}/g;
const INVITATION_LINK = /(\/invitations\/)[A-Za-z0-9_-]{20,100}/g;

const REDACTED = "$1[link removed]";

/** Every one-time link's token replaced: for mail that has reached its recipient. */
export function withoutLinkTokens(text: string): string {
  return withoutResetTokens(text).replace(INVITATION_LINK, REDACTED);
}

/**
 * Reset links replaced, invitation links kept: with no mail server an administrator passes an
 * invitation on by hand, but nobody but the account's owner ever needs its reset link.
 */
export function withoutResetTokens(text: string): string {
  return text.replace(RESET_LINK, REDACTED);
}
