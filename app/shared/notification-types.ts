/** What a person is told about, in the app and (unless they turn a type off) by email. */
export const NOTIFICATION_TYPES = [
  "mention",
  "reply",
  "signoff-requested",
  "signoff-stale",
  "plan-final",
  "milestone-due",
  "signoff-returned",
  "signoff-due",
  "suggestion-decided",
  "signoff-by-deputy",
] as const;

export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/** How the account page names each type when asking which ones to email. */
export const NOTIFICATION_TYPE_LABEL: Record<NotificationType, string> = {
  mention: "Someone mentions me in a comment",
  reply: "Someone replies in a thread I am in",
  "signoff-requested": "Someone asks me to sign off a section",
  "signoff-stale": "A section I signed off has changed since",
  "plan-final": "A plan I belong to becomes final",
  "milestone-due": "A milestone I own is due within 7 days or overdue",
  "signoff-returned": "A signatory returns a section I work on, or asked to be signed off",
  "signoff-due": "A sign-off asked of me is due in 2 days or overdue",
  "suggestion-decided": "Someone accepts or rejects a suggestion I made",
  "signoff-by-deputy": "My deputy signs off a section for me",
};
