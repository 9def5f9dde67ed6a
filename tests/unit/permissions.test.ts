import { describe, expect, it } from "vitest";
import { canComment, canEdit, canManageMembers, canRead, canReadAudit, canSignOff, ROLES, type Role } from "../../app/shared/permissions";

// The role table of docs/design.md, row by row: read, edit, comment, manage members.
const TABLE: Record<Role, [boolean, boolean, boolean, boolean]> = {
  owner: [true, true, true, true],
  editor: [true, true, true, false],
  signatory: [true, true, true, false],
  reviewer: [true, false, true, false],
  viewer: [true, false, false, false],
};

describe("the role table", () => {
  it.each(ROLES)("%s", (role) => {
    const [read, edit, comment, manage] = TABLE[role];
    expect([canRead(role), canEdit(role), canComment(role), canManageMembers(role)]).toEqual([read, edit, comment, manage]);
  });

  it("someone with no role can do nothing", () => {
    expect([canRead(null), canEdit(null), canComment(null), canManageMembers(null), canReadAudit(null)]).toEqual([
      false, false, false, false, false,
    ]);
  });

  it("only owners read the audit log", () => {
    expect(ROLES.filter(canReadAudit)).toEqual(["owner"]);
  });

  it("a signatory signs off only for their own side, and only where that side must sign", () => {
    expect(canSignOff("signatory", "local", ["local", "whitehall"])).toBe(true);
    expect(canSignOff("signatory", "whitehall", ["local"])).toBe(false);
    expect(canSignOff("editor", "local", ["local"])).toBe(false);
    expect(canSignOff("reviewer", "whitehall", ["whitehall"])).toBe(false);
    expect(canSignOff("owner", "local", ["local"])).toBe(false);
    expect(canSignOff("owner", "local", ["local"], true)).toBe(true);
    expect(canSignOff("owner", "local", ["whitehall"], true)).toBe(false);
    expect(canSignOff("editor", "local", ["local"], true)).toBe(false);
  });
});
