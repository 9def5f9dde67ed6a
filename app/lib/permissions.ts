/**
 * Who may do what on a plan: the role table of DESIGN.md as plain functions, shared by the
 * server (which enforces it) and the UI (which only hides what a role cannot do).
 */
export const SIDES = ["local", "whitehall"] as const;
export type Side = (typeof SIDES)[number];

export const ROLES = ["owner", "editor", "signatory", "reviewer", "viewer"] as const;
export type Role = (typeof ROLES)[number];

const EDITING_ROLES: ReadonlySet<Role> = new Set(["owner", "editor", "signatory"]);
const COMMENTING_ROLES: ReadonlySet<Role> = new Set(["owner", "editor", "signatory", "reviewer"]);

export function canRead(role: Role | null): role is Role {
  return role !== null;
}

export function canEdit(role: Role | null): boolean {
  return role !== null && EDITING_ROLES.has(role);
}

export function canComment(role: Role | null): boolean {
  return role !== null && COMMENTING_ROLES.has(role);
}

export function canManageMembers(role: Role | null): boolean {
  return role === "owner";
}
