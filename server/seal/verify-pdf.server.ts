import { createHash } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { getDocumentProxy } from "unpdf";
import type { Store } from "../../db/store.server";
import { readCadesSignature, UnreadableSignature } from "./cades.server";
import { DerError, readDer } from "./der.server";
import type { InstanceSeal } from "./instance-seal.server";
import {
  SIGNOFF_EVIDENCE_FILE,
  signoffEvidenceSchema,
  type EvidenceRecord,
  type SignoffEvidence,
} from "./signoff-evidence.server";

/** Why a file is not a PDF this instance sealed as it is: said so a person can act on it. */
export class PdfNotVerified extends Error {}

export interface RecordCheck {
  record: EvidenceRecord;
  /** Null when the database holds the record as the PDF states it; otherwise what differs. */
  mismatch: string | null;
}

export interface PdfVerification {
  sealedAt: string | null;
  sealedBy: { subject: string; fingerprint: string };
  evidence: SignoffEvidence;
  records: RecordCheck[];
}

/**
 * Checks a PDF against this instance: that the seal's signature covers the whole file and holds
 * over every byte, that it is this instance's seal, and that each sign-off the PDF embeds is
 * one the database still holds, as it was. Throws PdfNotVerified for a file that fails before
 * its records can be read; the records' own mismatches are in the answer.
 */
export async function verifySealedPdf(file: Buffer, seal: InstanceSeal, store: Store): Promise<PdfVerification> {
  const signed = checkSeal(file, seal);
  const evidence = await embeddedEvidence(file);
  const records: RecordCheck[] = [];
  for (const record of evidence.signoffs) records.push({ record, mismatch: await recordMismatch(store, record) });
  return { ...signed, evidence, records };
}

function checkSeal(file: Buffer, seal: InstanceSeal): Pick<PdfVerification, "sealedAt" | "sealedBy"> {
  if (file.subarray(0, 5).toString("latin1") !== "%PDF-")
    throw new PdfNotVerified("it is not a PDF (it does not begin with %PDF-)");
  if (!/%%EOF\s*$/.test(file.subarray(-64).toString("latin1")))
    throw new PdfNotVerified("it is cut short: a PDF ends with %%EOF and this file does not (it was truncated)");
  const text = file.toString("latin1");
  const ranges = [...text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)];
  if (ranges.length === 0)
    throw new PdfNotVerified(
      "it carries no seal: it was not exported by Coplan, or another program saved it again since",
    );
  if (ranges.length > 1)
    throw new PdfNotVerified("it carries more than one signature, and a Coplan export carries exactly one");
  const [start, beforeLength, after, afterLength] = ranges[0]!.slice(1).map(Number) as [number, number, number, number];
  if (start !== 0 || after <= beforeLength || after + afterLength > file.length)
    throw new PdfNotVerified(
      after + afterLength > file.length
        ? `it is cut short: its seal covers ${after + afterLength} bytes and the file has ${file.length} (it was truncated)`
        : "its seal's byte range is not one Coplan writes",
    );
  if (after + afterLength < file.length)
    throw new PdfNotVerified(
      `it was changed after sealing: ${file.length - after - afterLength} bytes were added after what the seal covers`,
    );
  const hex = text.slice(beforeLength, after);
  if (!/^<[0-9a-f]+>$/.test(hex) || hex.length % 2 !== 0)
    throw new PdfNotVerified("it was changed after sealing: the seal's signature is not where its byte range says");
  const signatureField = Buffer.from(hex.slice(1, -1), "hex");
  let signatureBytes: Buffer;
  try {
    signatureBytes = signatureField.subarray(0, readDer(signatureField).end);
  } catch (error) {
    if (error instanceof DerError)
      throw new PdfNotVerified("it was changed after sealing: its signature cannot be read");
    throw error;
  }
  if (signatureField.subarray(signatureBytes.length).some((byte) => byte !== 0))
    throw new PdfNotVerified(
      "it was changed after sealing: the seal's signature field holds bytes after the signature",
    );

  let signature;
  try {
    signature = readCadesSignature(signatureBytes);
  } catch (error) {
    if (error instanceof UnreadableSignature)
      throw new PdfNotVerified(`it was changed after sealing: ${error.message}`);
    throw error;
  }
  const digest = createHash("sha256")
    .update(file.subarray(0, beforeLength))
    .update(file.subarray(after, after + afterLength))
    .digest();
  if (!digest.equals(signature.digest))
    throw new PdfNotVerified("it was changed after sealing: its bytes no longer match what the seal signed");
  if (!signature.signatureValid || !signature.certificateBound)
    throw new PdfNotVerified("its seal's signature does not hold: the signature was altered or made with another key");
  if (signature.signer.fingerprint256 !== seal.fingerprint)
    throw new PdfNotVerified(
      `it was sealed by another seal, not this instance's: it names "${oneLine(signature.signer.subject)}" (SHA-256 ${signature.signer.fingerprint256}); this instance's seal is "${oneLine(seal.subject)}" (SHA-256 ${seal.fingerprint})`,
    );
  // The signature dictionary's /M follows its /Contents.
  const sealedAt = /\/M\s*\(D:(\d{14})/.exec(text.slice(after, after + 256))?.[1];
  return {
    sealedAt: sealedAt
      ? `${sealedAt.slice(0, 4)}-${sealedAt.slice(4, 6)}-${sealedAt.slice(6, 8)}T${sealedAt.slice(8, 10)}:${sealedAt.slice(10, 12)}:${sealedAt.slice(12, 14)}Z`
      : null,
    sealedBy: { subject: oneLine(signature.signer.subject), fingerprint: signature.signer.fingerprint256 },
  };
}

const oneLine = (subject: string) => subject.split("\n").join(", ");

/** The sign-off records embedded in the PDF, read by a PDF reader (pdf.js) once the seal holds. */
async function embeddedEvidence(file: Buffer): Promise<SignoffEvidence> {
  const document = await getDocumentProxy(new Uint8Array(file));
  try {
    const attachments = (await document.getAttachments()) ?? new Map();
    const key = [...attachments.entries()].find(([, attachment]) => attachment.filename === SIGNOFF_EVIDENCE_FILE)?.[0];
    const content = key === undefined ? null : await document.getAttachmentContent(key);
    if (!content) throw new PdfNotVerified(`it holds no sign-off records (no ${SIGNOFF_EVIDENCE_FILE} inside)`);
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(content).toString("utf8"));
    } catch {
      json = null;
    }
    const parsed = signoffEvidenceSchema.safeParse(json);
    if (!parsed.success) throw new PdfNotVerified(`its ${SIGNOFF_EVIDENCE_FILE} is not in the form Coplan writes`);
    return parsed.data;
  } finally {
    await document.cleanup();
  }
}

/** What differs between the record as the PDF states it and as the database holds it now. */
export async function recordMismatch(store: Store, record: EvidenceRecord): Promise<string | null> {
  const { signoffs, users } = store.tables;
  const [row] = await store.db
    .select({ signoff: signoffs, revokedBy: users.name })
    .from(signoffs)
    .leftJoin(users, eq(users.id, signoffs.revokedBy))
    .where(eq(signoffs.id, record.id));
  if (!row) return `this instance holds no sign-off #${record.id}`;
  const { signoff } = row;
  if (signoff.revokedAt) {
    const replacement = await replacementOf(store, signoff.planId, signoff.id);
    if (replacement)
      return `replaced: ${signoff.staleAt ? `it went stale at ${signoff.staleAt.toISOString()}` : "the section changed after it was signed"} and ${replacement.signer} signed again at ${replacement.signedAt.toISOString()} (sign-off #${replacement.id})`;
    return `revoked at ${signoff.revokedAt.toISOString()}${row.revokedBy ? ` by ${row.revokedBy}` : ""}`;
  }
  const differences = [
    signoff.planId !== record.planId && "plan",
    signoff.sectionKey !== record.sectionKey && "section",
    signoff.side !== record.side && "side",
    signoff.userId !== record.signedBy.id && "signer",
    signoff.signedAt.toISOString() !== record.signedAt && "time of signing",
    signoff.contentHash !== record.contentHash && "content hash",
    "meaning" in signoff && record.meaning !== undefined && signoff.meaning !== record.meaning && "meaning",
  ].filter((difference): difference is string => typeof difference === "string");
  return differences.length > 0 ? `the database's record differs in its ${differences.join(", ")}` : null;
}

/**
 * The sign-off that replaced `signoffId`, if one did. Re-signing a stale section closes the
 * stale record with the same revokedAt/revokedBy a revocation writes; what tells them apart is
 * the new record's audit entry, which names the record it supersedes. The audit log is a hash
 * chain nobody can edit unnoticed, so it is the record of which it was. The plan's few sign-off
 * entries are matched here rather than in SQL, where reading a JSON member differs by dialect.
 */
async function replacementOf(store: Store, planId: string, signoffId: number) {
  const { auditEvents, signoffs, users } = store.tables;
  const signed = await store.db
    .select({ detail: auditEvents.detail })
    .from(auditEvents)
    .where(and(eq(auditEvents.planId, planId), eq(auditEvents.type, "signoff.signed")))
    .orderBy(auditEvents.id);
  const id = signed.find((entry) => entry.detail?.supersedes === signoffId)?.detail?.signoffId;
  if (typeof id !== "number") return null;
  const [replacement] = await store.db
    .select({ id: signoffs.id, signedAt: signoffs.signedAt, signer: users.name })
    .from(signoffs)
    .innerJoin(users, eq(users.id, signoffs.userId))
    .where(eq(signoffs.id, id));
  return replacement ?? null;
}
