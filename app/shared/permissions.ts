/**
 * Who may do what on a plan: the role table of docs/design.md as plain functions, shared by the
 * server (which enforces it everywhere) and the UI (which only hides what a role cannot do).
 */
export const SIDES = ["local", "whitehall"] as const;
export type Side = (typeof SIDES)[number];

export const SIDE_LABEL: Record<Side, string> = { local: "Local", whitehall: "Whitehall" };

export const ROLES = ["owner", "editor", "signatory", "reviewer", "viewer"] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABEL: Record<Role, string> = {
  owner: "Owner",
  editor: "Editor",
  signatory: "Signatory",
  reviewer: "Reviewer",
  viewer: "Viewer",
};

const EDITING_ROLES: ReadonlySet<Role> = new Set(["owner", "editor", "signatory"]);
const COMMENTING_ROLES: ReadonlySet<Role> = new Set(["owner", "editor", "signatory", "reviewer"]);

export function canEdit(role: Role | null): boolean {
  return role !== null && EDITING_ROLES.has(role);
}

/** Reviewers may not edit, but their edits of a narrative become suggestions (decision 0034). */
export function suggestsOnly(role: Role | null): boolean {
  return role === "reviewer";
}

/** Who may make suggestions; owners, editors and signatories also accept and reject them. */
export function canSuggest(role: Role | null): boolean {
  return canComment(role);
}

export function canComment(role: Role | null): boolean {
  return role !== null && COMMENTING_ROLES.has(role);
}

export function canManageMembers(role: Role | null): boolean {
  return role === "owner";
}

/** Only owners read the plan's audit log: it names everyone and everything they did. */
export function canReadAudit(role: Role | null): boolean {
  return role === "owner";
}

/** Signatories, and owners made signatories too, sign off for their side. */
export function signsOffSections(role: Role | null, ownerSignsOff: boolean): boolean {
  return role === "signatory" || (role === "owner" && ownerSignsOff);
}

/** Someone who signs off does so for their own side, and only a section that side must sign. */
export function canSignOff(
  role: Role | null,
  userSide: Side,
  requiredSides: readonly Side[],
  ownerSignsOff = false,
): boolean {
  return signsOffSections(role, ownerSignsOff) && requiredSides.includes(userSide);
}

/** Renaming, archiving and deleting a plan are its owners' decisions. */
export function canManagePlan(role: Role | null): boolean {
  return role === "owner";
}
