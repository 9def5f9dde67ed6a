/**
 * Just enough DER (the binary form of ASN.1) to write a certificate and a CMS signature and to
 * read one back. Written on Buffers rather than through a library's object model, so that the
 * bytes a signature or a certificate hash covers are exactly the bytes in the file: nothing is
 * decoded and encoded again on the way.
 */

export class DerError extends Error {}

export const TAG = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  utf8String: 0x0c,
  printableString: 0x13,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
} as const;

/** A context-specific constructed tag, `[n]` in the standards' notation. */
export const context = (n: number) => 0xa0 | n;

export function tlv(tag: number, content: Buffer): Buffer {
  const length = content.length;
  let header: Buffer;
  if (length < 0x80) header = Buffer.from([tag, length]);
  else {
    const bytes: number[] = [];
    for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
    header = Buffer.from([tag, 0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([header, content]);
}

export const sequence = (...items: Buffer[]) => tlv(TAG.sequence, Buffer.concat(items));
/** A SET OF, its members in DER's order (sorted by their encodings). */
export const setOf = (...items: Buffer[]) => tlv(TAG.set, Buffer.concat([...items].sort(Buffer.compare)));
export const explicit = (n: number, ...items: Buffer[]) => tlv(context(n), Buffer.concat(items));
export const octetString = (bytes: Buffer) => tlv(TAG.octetString, bytes);
export const bitString = (bytes: Buffer, unusedBits = 0) =>
  tlv(TAG.bitString, Buffer.concat([Buffer.from([unusedBits]), bytes]));
export const utf8String = (text: string) => tlv(TAG.utf8String, Buffer.from(text, "utf8"));
export const printableString = (text: string) => tlv(TAG.printableString, Buffer.from(text, "ascii"));
export const derNull = () => tlv(TAG.null, Buffer.alloc(0));
export const derTrue = () => tlv(TAG.boolean, Buffer.from([0xff]));

/** A non-negative integer from its big-endian bytes. */
export function unsignedInteger(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const trimmed = bytes.subarray(start);
  return tlv(TAG.integer, trimmed[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

export const smallInteger = (n: number) => unsignedInteger(Buffer.from([n]));

export function oid(dotted: string): Buffer {
  const arcs = dotted.split(".").map(Number);
  const values = [arcs[0]! * 40 + arcs[1]!, ...arcs.slice(2)];
  const bytes: number[] = [];
  for (const value of values) {
    const chunk: number[] = [value & 0x7f];
    for (let rest = Math.floor(value / 128); rest > 0; rest = Math.floor(rest / 128))
      chunk.unshift(0x80 | (rest & 0x7f));
    bytes.push(...chunk);
  }
  return tlv(TAG.oid, Buffer.from(bytes));
}

/** UTCTime until 2049, GeneralizedTime from 2050, as RFC 5280 asks. */
export function time(date: Date): Buffer {
  const iso = date.toISOString();
  const digits = iso.slice(0, 19).replace(/[-T:]/g, "") + "Z";
  return date.getUTCFullYear() < 2050
    ? tlv(TAG.utcTime, Buffer.from(digits.slice(2), "ascii"))
    : tlv(TAG.generalizedTime, Buffer.from(digits, "ascii"));
}

/** One element read from a buffer: where it starts, where its content starts, where it ends. */
export interface DerNode {
  tag: number;
  start: number;
  contentStart: number;
  end: number;
  source: Buffer;
}

/** The element starting at `offset`, which must end by `limit`; throws DerError on anything malformed. */
export function readDer(source: Buffer, offset = 0, limit = source.length): DerNode {
  if (offset + 2 > limit) throw new DerError("it ends in the middle of an element");
  const tag = source[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError("it uses a tag this reader does not know");
  let length = source[offset + 1]!;
  let contentStart = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw new DerError("it has a length DER does not allow");
    if (contentStart + count > limit) throw new DerError("it ends in the middle of an element");
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + source[contentStart + i]!;
    contentStart += count;
  }
  const end = contentStart + length;
  if (end > limit) throw new DerError("an element is longer than what holds it");
  return { tag, start: offset, contentStart, end, source };
}

export function childrenOf(node: DerNode): DerNode[] {
  const children: DerNode[] = [];
  for (let at = node.contentStart; at < node.end;) {
    const child = readDer(node.source, at, node.end);
    children.push(child);
    at = child.end;
  }
  return children;
}

/** The element's whole encoding (tag, length and content). */
export const encoded = (node: DerNode) => node.source.subarray(node.start, node.end);
export const content = (node: DerNode) => node.source.subarray(node.contentStart, node.end);

export function expectTag(node: DerNode | undefined, tag: number, what: string): DerNode {
  if (!node || node.tag !== tag) throw new DerError(`${what} is missing or malformed`);
  return node;
}

export function oidText(node: DerNode): string {
  const bytes = content(expectTag(node, TAG.oid, "an object identifier"));
  const arcs: number[] = [];
  let value = 0;
  for (const byte of bytes) {
    value = value * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      if (arcs.length === 0)
        arcs.push(Math.min(2, Math.floor(value / 40)), value - Math.min(2, Math.floor(value / 40)) * 40);
      else arcs.push(value);
      value = 0;
    }
  }
  return arcs.join(".");
}
