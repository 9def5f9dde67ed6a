import { createPrivateKey, X509Certificate, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { eq } from "drizzle-orm";
import forge from "node-forge";
import type { Store } from "../../db/store.server";
import type { Env } from "../env.server";
import { cadesSignatureLength, type SealMaterial } from "./cades.server";
import type { SealJob } from "./seal-pdf.server";
import { generateSeal } from "./self-signed-seal.server";

/** The seal every exported PDF carries, and how to tell it: its subject and fingerprint. */
export interface InstanceSeal {
  material: SealMaterial;
  /** The certificate's subject, one attribute a line as node:crypto writes it. */
  subject: string;
  commonName: string;
  /** SHA-256 of the certificate, colon-separated hex, as `openssl x509 -fingerprint -sha256` prints it. */
  fingerprint: string;
  validTo: string;
  source: "p12" | "generated";
  signatureLength: number;
}

type SealEnv = Pick<Env, "SEAL_P12_PATH" | "SEAL_P12_PASSWORD" | "PUBLIC_URL">;

const SEAL_ROW = 1;

/** PKCS#12 bag types (RFC 7292). */
const BAG = {
  key: "1.2.840.113549.1.12.10.1.1",
  shroudedKey: "1.2.840.113549.1.12.10.1.2",
  certificate: "1.2.840.113549.1.12.10.1.3",
} as const;

/**
 * The instance's seal: the department's own certificate from SEAL_P12_PATH (opened with
 * SEAL_P12_PASSWORD) when given, otherwise the self-signed one made on first start and kept in
 * the database. A P12 that cannot be used stops the start with the reason (startOrExplain).
 */
export async function resolveSeal(store: Store, env: SealEnv): Promise<InstanceSeal> {
  if (env.SEAL_P12_PATH) return describeSeal(sealFromP12(env.SEAL_P12_PATH, env.SEAL_P12_PASSWORD ?? ""), "p12");
  if (env.SEAL_P12_PASSWORD !== undefined)
    throw new Error("SEAL_P12_PASSWORD is set but SEAL_P12_PATH is not: give the path of the seal's .p12 file too");
  return describeSeal(await storedSeal(store, env), "generated");
}

/** The job's part an export worker seals with. */
export function sealJob(seal: InstanceSeal, signedAt: Date): SealJob {
  return { ...seal.material, signatureLength: seal.signatureLength, name: seal.commonName, signedAt };
}

async function storedSeal(store: Store, env: SealEnv): Promise<SealMaterial> {
  const { instanceSeals } = store.tables;
  const read = async () => (await store.db.select().from(instanceSeals).where(eq(instanceSeals.id, SEAL_ROW)))[0];
  let row = await read();
  if (!row) {
    const made = generateSeal(env.PUBLIC_URL ? new URL(env.PUBLIC_URL).host : hostname());
    // Two processes starting on one new database each make one; the first stored is the seal.
    await store.db
      .insert(instanceSeals)
      .values({ id: SEAL_ROW, privateKey: made.privateKeyPem, certificate: made.certificatePem })
      .onConflictDoNothing();
    row = (await read())!;
  }
  return { privateKeyPem: row.privateKey, certificates: [new X509Certificate(row.certificate).raw] };
}

function sealFromP12(path: string, password: string): SealMaterial {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (error) {
    throw new Error(
      `SEAL_P12_PATH ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      {
        cause: error,
      },
    );
  }
  let asn1: forge.asn1.Asn1;
  try {
    asn1 = forge.asn1.fromDer(forge.util.createBuffer(data.toString("binary")));
  } catch {
    throw new Error(`SEAL_P12_PATH ${path} is not a PKCS#12 file (.p12 or .pfx holding a key and its certificate)`);
  }
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, false, password);
  } catch (error) {
    const reason = (error as Error).message;
    throw new Error(
      /password|MAC|decrypt/i.test(reason)
        ? `SEAL_P12_PASSWORD does not open the seal in ${path}: the password is wrong`
        : `the seal in ${path} cannot be read: ${reason}`,
      { cause: error },
    );
  }
  const bags = (type: string) => p12.getBags({ bagType: type })[type] ?? [];
  const keyBags = [...bags(BAG.shroudedKey), ...bags(BAG.key)];
  if (keyBags.length !== 1)
    throw new Error(`the seal in ${path} must hold exactly one private key; it holds ${keyBags.length}`);
  const key = privateKeyOf(keyBags[0]!);
  const certificates = bags(BAG.certificate).map((bag) => new X509Certificate(certificateDer(bag)));
  const own = certificates.find((certificate) => certificate.checkPrivateKey(key));
  if (!own) throw new Error(`the seal in ${path} holds no certificate for its private key`);
  return {
    privateKeyPem: key.export({ type: "pkcs8", format: "pem" }).toString(),
    certificates: [own, ...certificates.filter((certificate) => certificate !== own)].map((c) => c.raw),
  };
}

/** forge reads RSA keys itself and leaves others (EC) as ASN.1, which node:crypto reads. */
function privateKeyOf(bag: forge.pkcs12.Bag): KeyObject {
  if (bag.key) return createPrivateKey(forge.pki.privateKeyToPem(bag.key));
  const asn1 = (bag as forge.pkcs12.Bag & { asn1?: forge.asn1.Asn1 }).asn1;
  if (!asn1) throw new Error("the seal's private key cannot be read");
  return createPrivateKey({
    key: Buffer.from(forge.asn1.toDer(asn1).getBytes(), "binary"),
    format: "der",
    type: "pkcs8",
  });
}

function certificateDer(bag: forge.pkcs12.Bag): Buffer {
  const asn1 = bag.cert
    ? forge.pki.certificateToAsn1(bag.cert)
    : (bag as forge.pkcs12.Bag & { asn1?: forge.asn1.Asn1 }).asn1;
  if (!asn1) throw new Error("a certificate in the seal cannot be read");
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), "binary");
}

/** The seal with what tells it apart; throws for a key no PDF reader would check (not RSA or EC). */
export function describeSeal(material: SealMaterial, source: InstanceSeal["source"]): InstanceSeal {
  const certificate = new X509Certificate(material.certificates[0]!);
  const key = createPrivateKey(material.privateKeyPem);
  if (key.asymmetricKeyType !== "rsa" && key.asymmetricKeyType !== "ec")
    throw new Error(`the seal's key must be RSA or EC, not ${key.asymmetricKeyType}`);
  return {
    material,
    subject: certificate.subject,
    commonName: /^CN=(.*)$/m.exec(certificate.subject)?.[1] ?? certificate.subject.split("\n")[0]!,
    fingerprint: certificate.fingerprint256,
    validTo: new Date(certificate.validTo).toISOString(),
    source,
    signatureLength: cadesSignatureLength(material),
  };
}
