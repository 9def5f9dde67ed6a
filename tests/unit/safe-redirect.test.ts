import { describe, expect, it } from "vitest";
import { safeRedirectPath } from "../../app/utils/auth.server";

describe("safe redirect path", () => {
  it.each([
    "//evil.example",
    "/\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/..//evil.example",
    "/./%2E%2E//evil.example",
    "javascript:alert(1)",
    "https://evil.example/",
    "evil.example",
    "",
  ])("%j falls back to /plans", (target) => {
    expect(safeRedirectPath(target)).toBe("/plans");
  });

  it("keeps a path on this site with its query and fragment", () => {
    expect(safeRedirectPath("/plans/abc?tab=2#budget")).toBe("/plans/abc?tab=2#budget");
    expect(safeRedirectPath(null)).toBe("/plans");
  });
});
