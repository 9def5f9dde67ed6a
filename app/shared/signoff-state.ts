import type { Side } from "./permissions";

/**
 * A section's sign-off state and the plan's status, decided from the section's current
 * sign-off records and the hash of its content now. Shared by the server, which stores and
 * pushes the state, and the UI, which shows it.
 */
export const SIGNOFF_STATES = ["unsigned", "partial", "signed", "stale"] as const;
export type SignoffState = (typeof SIGNOFF_STATES)[number];

export type PlanStatus = "draft" | "final";

export interface SignoffRecordFacts {
  side: Side;
  contentHash: string;
  /** Set once an edit was seen to change the section after this sign-off. */
  staleAt: Date | string | null;
}

/**
 * A record is fresh while the section still has the content it was signed with. Once marked
 * stale it stays stale, even if the text is later edited back: the signatory signed a moment,
 * and someone changed it since.
 */
export function isFresh(record: SignoffRecordFacts, currentHash: string): boolean {
  return record.staleAt === null && record.contentHash === currentHash;
}

/** `records` are the section's current (not revoked) sign-offs. */
export function sectionSignoffState(
  requiredSides: readonly Side[],
  records: readonly SignoffRecordFacts[],
  currentHash: string,
): SignoffState {
  if (records.some((record) => !isFresh(record, currentHash))) return "stale";
  const signedSides = new Set(records.map((record) => record.side));
  const signed = requiredSides.filter((side) => signedSides.has(side)).length;
  if (signed === 0) return "unsigned";
  return signed === requiredSides.length ? "signed" : "partial";
}

export interface SignoffProgress {
  signed: number;
  total: number;
  status: PlanStatus;
}

/** The plan is final when it has sections and every one of them is signed. */
export function planSignoffProgress(states: readonly SignoffState[]): SignoffProgress {
  const signed = states.filter((state) => state === "signed").length;
  return {
    signed,
    total: states.length,
    status: states.length > 0 && signed === states.length ? "final" : "draft",
  };
}
