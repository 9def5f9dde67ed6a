import { describe, expect, it } from "vitest";
import { LoginThrottle } from "../../server/auth/login-throttle.server";

describe("the sign-in throttle", () => {
  it("refuses a key after `limit` failures in the window, until the oldest one expires", () => {
    let now = 1_000_000;
    const throttle = new LoginThrottle(3, 60_000, () => now);
    const keys = ["address:1.2.3.4", "account:a@b"];
    for (let i = 0; i < 3; i++) {
      expect(throttle.retryAfterSeconds(keys)).toBe(0);
      throttle.recordFailure(keys);
      now += 1_000;
    }
    expect(throttle.retryAfterSeconds(keys)).toBe(57);
    expect(throttle.retryAfterSeconds(["account:a@b"])).toBe(57);
    expect(throttle.retryAfterSeconds(["account:other@b"])).toBe(0);
    now += 57_000;
    expect(throttle.retryAfterSeconds(keys)).toBe(0);
  });
});
