import type { IncomingMessage } from "node:http";
import { isIPv6 } from "node:net";

/**
 * The client's address as the throttles and connection caps count it. With `trustedProxies`
 * proxies in front, each appends the address it received the request from to X-Forwarded-For,
 * so the client is the entry that many places from the right (the same rule as Express's
 * numeric "trust proxy"); anything further left was written by the client and is ignored.
 */
export function clientAddress(request: IncomingMessage, trustedProxies: number): string {
  const peer = request.socket.remoteAddress ?? "unknown";
  if (trustedProxies === 0) return addressKey(peer);
  const header = request.headers["x-forwarded-for"];
  const forwarded = (Array.isArray(header) ? header.join(",") : (header ?? ""))
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  const chain = [peer, ...forwarded.reverse()];
  return addressKey(chain[Math.min(trustedProxies, chain.length - 1)]!);
}

/**
 * One key per client: an IPv4 address as itself (also when it arrives IPv4-mapped), an IPv6
 * address by its /64, since one host is routinely given a whole /64 to pick addresses from.
 */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!isIPv6(address)) return address;
  const [head = "", tail = ""] = address.toLowerCase().split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = address.includes("::")
    ? [...left, ...Array(8 - left.length - right.length).fill("0"), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}
