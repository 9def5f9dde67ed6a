import { createHash, generateKeyPairSync, randomBytes, sign, X509Certificate } from "node:crypto";
import {
  bitString,
  derTrue,
  explicit,
  octetString,
  oid,
  printableString,
  sequence,
  setOf,
  smallInteger,
  time,
  unsignedInteger,
  utf8String,
} from "./der.server";

const OID = {
  commonName: "2.5.4.3",
  organization: "2.5.4.10",
  organizationalUnit: "2.5.4.11",
  serialNumber: "2.5.4.5",
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
  basicConstraints: "2.5.29.19",
  keyUsage: "2.5.29.15",
  subjectKeyIdentifier: "2.5.29.14",
} as const;

const VALID_YEARS = 20;

export interface GeneratedSeal {
  privateKeyPem: string;
  certificatePem: string;
}

/**
 * A new seal for an instance that was given none: a P-256 key (made in a millisecond, where an
 * RSA key takes hundreds) and a self-signed certificate naming the instance. Its subject says
 * what it is, an organisational seal of this Coplan, with a random instance id so that two
 * instances with the same name still have told-apart seals.
 */
export function generateSeal(instanceName: string): GeneratedSeal {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const spki = publicKey.export({ type: "spki", format: "der" });
  const name = sequence(
    setOf(sequence(oid(OID.commonName), utf8String(`Coplan seal of ${instanceName}`.slice(0, 64)))),
    setOf(sequence(oid(OID.organization), utf8String("Coplan"))),
    setOf(sequence(oid(OID.organizationalUnit), utf8String("Organisational seal (not a personal signature)"))),
    setOf(sequence(oid(OID.serialNumber), printableString(randomBytes(12).toString("hex")))),
  );
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x40;
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(notBefore);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + VALID_YEARS);
  const algorithm = sequence(oid(OID.ecdsaWithSha256));
  // The key's bits inside the SubjectPublicKeyInfo: P-256's is the last 65 bytes.
  const keyId = createHash("sha1")
    .update(spki.subarray(spki.length - 65))
    .digest();
  const tbs = sequence(
    explicit(0, smallInteger(2)),
    unsignedInteger(serial),
    algorithm,
    name,
    sequence(time(notBefore), time(notAfter)),
    name,
    spki,
    explicit(
      3,
      sequence(
        sequence(oid(OID.basicConstraints), derTrue(), octetString(sequence())),
        // digitalSignature and nonRepudiation (contentCommitment): bits 0 and 1, 6 unused.
        sequence(oid(OID.keyUsage), derTrue(), octetString(bitString(Buffer.from([0xc0]), 6))),
        sequence(oid(OID.subjectKeyIdentifier), octetString(octetString(keyId))),
      ),
    ),
  );
  const certificate = sequence(tbs, algorithm, bitString(sign("sha256", tbs, privateKey)));
  return {
    privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    certificatePem: new X509Certificate(certificate).toString(),
  };
}
