import { describe, expect, it } from "vitest";
import { runAdmin as admin } from "../support/admin";
import { queryDatabase } from "../support/database";
import { tempDatabasePath } from "../support/server";

const USER = [
  "--email",
  "Nadia@Hull.example",
  "--name",
  "Nadia Khan",
  "--password",
  "long-enough-pw",
  "--org",
  "Hull City Council",
  "--side",
  "local",
];

describe("npm run admin -- add-user", () => {
  it("creates a user, then refuses the same email again", () => {
    const db = tempDatabasePath();
    const first = admin(db, "add-user", ...USER);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("Created nadia@hull.example (Nadia Khan, Hull City Council, local)");
    const again = admin(db, "add-user", ...USER);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain("a user with email nadia@hull.example already exists");
  });

  it("--admin makes an instance administrator; without it, nobody is one", () => {
    const db = tempDatabasePath();
    expect(admin(db, "add-user", ...USER).code).toBe(0);
    const made = admin(db, "add-user", ...USER.map((v) => v.replace("Nadia@", "Boss@")), "--admin");
    expect(made.code).toBe(0);
    expect(made.stdout).toContain("an administrator");
    expect(
      queryDatabase<{ admins: string }>(db, "select group_concat(email) as admins from users where is_admin = 1"),
    ).toEqual({ admins: "boss@hull.example" });
  });

  it("says what is wrong with bad arguments and exits non-zero", () => {
    const db = tempDatabasePath();
    const badSide = admin(db, "add-user", ...USER.slice(0, -1), "sideways");
    expect(badSide.code).not.toBe(0);
    expect(badSide.stderr).toContain("--side: side must be local or whitehall");
    const short = admin(
      db,
      "add-user",
      "--email",
      "a@b.example",
      "--name",
      "A",
      "--password",
      "short",
      "--org",
      "O",
      "--side",
      "local",
    );
    expect(short.stderr).toContain("--password: password must be at least 8 characters");
    const unknown = admin(db, "remove-everything");
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('unknown command "remove-everything"');
  });
});
