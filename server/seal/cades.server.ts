import { createHash, createPrivateKey, sign, verify, X509Certificate, type KeyObject } from "node:crypto";
import {
  childrenOf,
  content,
  context,
  DerError,
  derNull,
  encoded,
  expectTag,
  explicit,
  octetString,
  oid,
  oidText,
  readDer,
  sequence,
  setOf,
  smallInteger,
  tlv,
  TAG,
  type DerNode,
} from "./der.server";

const OID = {
  signedData: "1.2.840.113549.1.7.2",
  data: "1.2.840.113549.1.7.1",
  sha256: "2.16.840.1.101.3.4.2.1",
  contentType: "1.2.840.113549.1.9.3",
  messageDigest: "1.2.840.113549.1.9.4",
  signingCertificateV2: "1.2.840.113549.1.9.16.2.47",
  rsaEncryption: "1.2.840.113549.1.1.1",
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
} as const;

/**
 * What sealing needs, as plain data that can be handed to an export worker: the key and the
 * certificates, the seal's own first and then any chain up to its issuer.
 */
export interface SealMaterial {
  privateKeyPem: string;
  certificates: Uint8Array[];
}

/** The parts of the seal's certificate a CMS signer identifies itself with. */
function issuerAndSerial(certificate: Buffer): Buffer {
  const tbs = childrenOf(childrenOf(readDer(certificate))[0]!);
  const fields = tbs[0]!.tag === context(0) ? tbs.slice(1) : tbs;
  return sequence(encoded(fields[2]!), encoded(fields[0]!));
}

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest();

function signatureAlgorithm(key: KeyObject): Buffer {
  if (key.asymmetricKeyType === "rsa") return sequence(oid(OID.rsaEncryption), derNull());
  if (key.asymmetricKeyType === "ec") return sequence(oid(OID.ecdsaWithSha256));
  throw new Error(`a seal's key must be RSA or EC, not ${key.asymmetricKeyType}`);
}

/**
 * A CAdES-BES detached signature (CMS SignedData, RFC 5652, with the ESS signing-certificate-v2
 * attribute that ETSI.CAdES.detached asks for) over `digest`, the SHA-256 of the signed bytes.
 * No signing-time attribute: PAdES takes the time from the signature dictionary's /M.
 */
export function cadesSignature(material: SealMaterial, digest: Buffer, key?: KeyObject): Buffer {
  const privateKey = key ?? createPrivateKey(material.privateKeyPem);
  const [own, ...chain] = material.certificates.map((certificate) => Buffer.from(certificate));
  const sha256Algorithm = sequence(oid(OID.sha256));
  const attributes = [
    sequence(oid(OID.contentType), setOf(oid(OID.data))),
    sequence(oid(OID.messageDigest), setOf(octetString(digest))),
    sequence(oid(OID.signingCertificateV2), setOf(sequence(sequence(sequence(octetString(sha256(own!))))))),
  ];
  const signedAttributes = setOf(...attributes);
  const signature = sign("sha256", signedAttributes, privateKey);
  const signerInfo = sequence(
    smallInteger(1),
    issuerAndSerial(own!),
    sha256Algorithm,
    // Signed attributes are written as [0] IMPLICIT, and signed as the SET they are.
    Buffer.concat([Buffer.from([context(0)]), signedAttributes.subarray(1)]),
    signatureAlgorithm(privateKey),
    octetString(signature),
  );
  const signedData = sequence(
    smallInteger(1),
    setOf(sha256Algorithm),
    sequence(oid(OID.data)),
    tlv(context(0), Buffer.concat([own!, ...chain])),
    setOf(signerInfo),
  );
  return sequence(oid(OID.signedData), explicit(0, signedData));
}

/** The most bytes a seal's signature can take, so the PDF can leave exactly that much room. */
export function cadesSignatureLength(material: SealMaterial): number {
  const key = createPrivateKey(material.privateKeyPem);
  // An ECDSA signature's DER length varies by a few bytes; room for the longest one.
  const slack = key.asymmetricKeyType === "ec" ? 8 : 0;
  return cadesSignature(material, Buffer.alloc(32), key).length + slack;
}

/** What a CMS signature read from a PDF says, before anyone decides whether to trust it. */
export interface ReadSignature {
  signer: X509Certificate;
  /** The messageDigest attribute: the SHA-256 the signer says the signed bytes have. */
  digest: Buffer;
  /** Whether the signature over the signed attributes verifies with the signer's certificate. */
  signatureValid: boolean;
  /** Whether signing-certificate-v2 names this very certificate. */
  certificateBound: boolean;
}

export class UnreadableSignature extends Error {}

/** Reads and checks a CAdES signature as `cadesSignature` writes it (DER, one signer, SHA-256). */
export function readCadesSignature(bytes: Buffer): ReadSignature {
  try {
    return readSignature(bytes);
  } catch (error) {
    if (error instanceof DerError)
      throw new UnreadableSignature(`the seal's signature cannot be read: ${error.message}`);
    throw error;
  }
}

function readSignature(bytes: Buffer): ReadSignature {
  const contentInfo = childrenOf(expectTag(readDer(bytes), TAG.sequence, "the signature"));
  if (oidText(contentInfo[0]!) !== OID.signedData) throw new DerError("it is not CMS signed data");
  const signedData = childrenOf(
    expectTag(childrenOf(expectTag(contentInfo[1], context(0), "the signed data"))[0], TAG.sequence, "the signed data"),
  );
  const certificates = childrenOf(
    expectTag(
      signedData.find((node) => node.tag === context(0)),
      context(0),
      "the certificates",
    ),
  );
  const signerInfos = childrenOf(expectTag(signedData.at(-1), TAG.set, "the signer"));
  if (signerInfos.length !== 1) throw new DerError("it has more than one signer");
  const [, sid, digestAlgorithm, signedAttributes, , signature] = childrenOf(
    expectTag(signerInfos[0], TAG.sequence, "the signer"),
  );
  if (oidText(childrenOf(expectTag(digestAlgorithm, TAG.sequence, "the digest algorithm"))[0]!) !== OID.sha256)
    throw new DerError("its digest is not SHA-256");
  expectTag(signedAttributes, context(0), "the signed attributes");
  const signerDer = certificates.map(encoded).find((certificate) => issuerAndSerial(certificate).equals(encoded(sid!)));
  if (!signerDer) throw new DerError("the signer's certificate is not in it");
  const signer = new X509Certificate(signerDer);
  const attributes = new Map<string, DerNode>();
  for (const attribute of childrenOf(signedAttributes!)) {
    const [type, values] = childrenOf(expectTag(attribute, TAG.sequence, "an attribute"));
    attributes.set(oidText(type!), childrenOf(expectTag(values, TAG.set, "an attribute's values"))[0]!);
  }
  const digest = attributes.get(OID.messageDigest);
  if (!digest) throw new DerError("the message digest is missing");
  const boundTo = attributes.get(OID.signingCertificateV2);
  const certHash = boundTo
    ? childrenOf(childrenOf(childrenOf(boundTo)[0]!)[0]!).find((node) => node.tag === TAG.octetString)
    : undefined;
  const asSet = Buffer.concat([Buffer.from([TAG.set]), encoded(signedAttributes!).subarray(1)]);
  return {
    signer,
    digest: Buffer.from(content(expectTag(digest, TAG.octetString, "the message digest"))),
    signatureValid: verify(
      "sha256",
      asSet,
      signer.publicKey,
      content(expectTag(signature, TAG.octetString, "the signature value")),
    ),
    certificateBound: certHash !== undefined && content(certHash).equals(sha256(Buffer.from(signer.raw))),
  };
}
