import { describe, expect, it } from "vitest";
import { SignInThrottle } from "../../server/auth/sign-in-throttle.server";
import { SIGN_IN_LIMITS } from "../../server/limits.server";

const limits = { ...SIGN_IN_LIMITS, failuresPerAccountAndAddress: 3, failuresPerAddress: 5 };

describe("sign-in throttle", () => {
  it("blocks an address that keeps failing for an account, and only that address", async () => {
    const throttle = new SignInThrottle(limits);
    for (let i = 0; i < 3; i++) {
      expect(await throttle.retryAfterSeconds("ann@example.org", "203.0.113.1")).toBe(0);
      await throttle.recordFailure("ann@example.org", "203.0.113.1");
    }
    expect(await throttle.retryAfterSeconds("ann@example.org", "203.0.113.1")).toBeGreaterThan(0);
    expect(await throttle.retryAfterSeconds("ann@example.org", "198.51.100.1")).toBe(0);
    expect(await throttle.retryAfterSeconds("bob@example.org", "203.0.113.1")).toBe(0);
  });

  it("a right password forgives the address's failures for that account", async () => {
    const throttle = new SignInThrottle(limits);
    await throttle.recordFailure("ann@example.org", "203.0.113.1");
    await throttle.recordFailure("ann@example.org", "203.0.113.1");
    await throttle.recordSuccess("ann@example.org", "203.0.113.1");
    await throttle.recordFailure("ann@example.org", "203.0.113.1");
    await throttle.recordFailure("ann@example.org", "203.0.113.1");
    expect(await throttle.retryAfterSeconds("ann@example.org", "203.0.113.1")).toBe(0);
  });

  it("blocks an address that fails for many accounts, for every account, and no other address", async () => {
    const throttle = new SignInThrottle(limits);
    for (let i = 0; i < 5; i++) await throttle.recordFailure(`user${i}@example.org`, "203.0.113.9");
    expect(await throttle.retryAfterSeconds("someone-else@example.org", "203.0.113.9")).toBeGreaterThan(0);
    expect(await throttle.retryAfterSeconds("someone-else@example.org", "203.0.113.10")).toBe(0);
  });
});
