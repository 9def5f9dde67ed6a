import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { loadEnv } from "../../server/env.server";
import { addressKey, clientAddress } from "../../server/http/client-address.server";

function request(peer: string, forwardedFor?: string): IncomingMessage {
  return {
    socket: { remoteAddress: peer },
    headers: forwardedFor ? { "x-forwarded-for": forwardedFor } : {},
  } as unknown as IncomingMessage;
}

describe("the client's address", () => {
  it("is the connection's own address unless proxies are trusted, whatever the client forwards", () => {
    expect(clientAddress(request("::ffff:192.0.2.1", "203.0.113.9"), 0)).toBe("192.0.2.1");
  });

  it("with n trusted proxies, is the nth forwarded address from the right, never one the client wrote", () => {
    expect(clientAddress(request("10.0.0.1", "203.0.113.9"), 1)).toBe("203.0.113.9");
    expect(clientAddress(request("10.0.0.1", "198.51.100.66, 203.0.113.9"), 1)).toBe("203.0.113.9");
    expect(clientAddress(request("10.0.0.2", "198.51.100.66, 203.0.113.9, 10.0.0.1"), 2)).toBe("203.0.113.9");
    expect(clientAddress(request("10.0.0.1"), 1)).toBe("10.0.0.1");
  });

  it("counts an IPv6 client by its /64", () => {
    expect(addressKey("2001:db8:1:2:aaaa::1")).toBe(addressKey("2001:db8:1:2:bbbb:cccc:dddd:eeee"));
    expect(addressKey("2001:db8:1:2::1")).not.toBe(addressKey("2001:db8:1:3::1"));
    expect(addressKey("::1")).toBe("0:0:0:0::/64");
  });

  it("TRUST_PROXY must be a small whole number", () => {
    expect(loadEnv({ NODE_ENV: "test", TRUST_PROXY: "2" }).TRUST_PROXY).toBe(2);
    expect(loadEnv({ NODE_ENV: "test" }).TRUST_PROXY).toBe(0);
    expect(() => loadEnv({ NODE_ENV: "test", TRUST_PROXY: "yes" })).toThrow(/TRUST_PROXY/);
    expect(() => loadEnv({ NODE_ENV: "test", TRUST_PROXY: "-1" })).toThrow(/TRUST_PROXY/);
  });
});
