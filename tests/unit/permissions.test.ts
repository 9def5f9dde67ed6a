import { describe, expect, it } from "vitest";
import {
  canComment,
  canEdit,
  canManageMembers,
  canReadAudit,
  canSignOff,
  ROLES,
  type Role,
} from "../../app/shared/permissions";

// The role table of docs/design.md, row by row: edit, comment, manage members. Every role
// reads; reading is checked by membership itself (tests/integration/roles-api.test.ts).
const TABLE: Record<Role, [boolean, boolean, boolean]> = {
  owner: [true, true, true],
  editor: [true, true, false],
  signatory: [true, true, false],
  reviewer: [false, true, false],
  viewer: [false, false, false],
};

describe("the role table", () => {
  it.each(ROLES)("%s", (role) => {
    expect([canEdit(role), canComment(role), canManageMembers(role)]).toEqual(TABLE[role]);
  });

  it("someone with no role can do nothing", () => {
    expect([canEdit(null), canComment(null), canManageMembers(null), canReadAudit(null)]).toEqual([
      false,
      false,
      false,
      false,
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
