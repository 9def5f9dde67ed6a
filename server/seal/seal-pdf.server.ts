import { createHash, createPrivateKey, type KeyObject } from "node:crypto";
import { SignPdf } from "@signpdf/signpdf";
import { Signer } from "@signpdf/utils";
import { cadesSignature, type SealMaterial } from "./cades.server";

/** Everything an export worker needs to seal a PDF: plain data, as it crosses to the worker. */
export interface SealJob extends SealMaterial {
  /** Room for the signature, in bytes: `cadesSignatureLength` of this seal. */
  signatureLength: number;
  /** Who seals, as the signature dictionary's /Name: the certificate's common name. */
  name: string;
  signedAt: Date;
}

/** The placeholder @signpdf/signpdf looks for and fills in with the real byte range. */
const BYTE_RANGE_PLACEHOLDER = "**********";
/** SigFlags: signatures exist, and the file is to be changed only by appending. */
const SIG_FLAGS = 3;
/** Annotation flags: print (4) and locked (128); the field has no size, so nothing shows. */
const WIDGET_FLAGS = 132;

type Doc = PDFKit.PDFDocument;
/** The parts of pdfkit this uses that its type definitions do not list. */
interface DocInternals {
  _root: PDFKit.PDFKitReference & { data: Record<string, unknown> };
  page: { annotations: PDFKit.PDFKitReference[]; dictionary: PDFKit.PDFKitReference };
  endAcroForm(): Doc;
}

/** Writes a reference's object now; pdfkit's types ask for a chunk, which a dictionary has none of. */
const end = (ref: PDFKit.PDFKitReference) => (ref as unknown as { end(): void }).end();

const pdfString = (text: string) => new String(text) as unknown as string;

/**
 * The seal's signature field, written while pdfkit lays out the file so the finished file needs
 * no second pass through a PDF parser: a signature dictionary (ETSI.CAdES.detached) whose
 * /Contents is zeros for now, an invisible widget tagged as a Form element (PDF/UA wants every
 * visible-to-the-structure annotation in the tree), and the AcroForm that lists it.
 */
export function addSealField(doc: Doc, parent: PDFKit.PDFStructureElement, seal: SealJob): void {
  const internals = doc as unknown as DocInternals;
  const signature = doc.ref({
    Type: "Sig",
    Filter: "Adobe.PPKLite",
    SubFilter: "ETSI.CAdES.detached",
    ByteRange: [0, BYTE_RANGE_PLACEHOLDER, BYTE_RANGE_PLACEHOLDER, BYTE_RANGE_PLACEHOLDER],
    Contents: Buffer.alloc(seal.signatureLength),
    M: seal.signedAt,
    Name: pdfString(seal.name),
    Reason: pdfString("Organisational seal of the Coplan instance that exported this plan"),
    Prop_Build: { App: { Name: "Coplan" } },
  });
  end(signature);
  const description = `Seal of ${seal.name}: the file is as this Coplan exported it`;
  const field = doc.struct("Form", { alt: description });
  parent.add(field);
  doc.annotate(0, 0, 0, 0, {
    Subtype: "Widget",
    FT: "Sig",
    F: WIDGET_FLAGS,
    T: pdfString("Seal"),
    TU: pdfString(description),
    Contents: pdfString(description),
    V: signature,
    P: internals.page.dictionary,
    structParent: field,
  } as PDFKit.Mixins.AnnotationOption);
  field.end();
  const widget = internals.page.annotations.at(-1)!;
  const form = doc.ref({ Fields: [widget], SigFlags: SIG_FLAGS });
  end(form);
  internals._root.data.AcroForm = form;
  // pdfkit's own form bookkeeping (initForm/endAcroForm) is for text fields it draws, and would
  // write the widget a second time; this form is complete as it stands.
  internals.endAcroForm = () => doc;
}

/** Signs with node:crypto (the key is used natively, the PDF hashed natively), in CAdES form. */
class CadesSigner extends Signer {
  private readonly key: KeyObject;

  constructor(private readonly material: SealMaterial) {
    super();
    this.key = createPrivateKey(material.privateKeyPem);
  }

  override async sign(pdf: Buffer): Promise<Buffer> {
    return cadesSignature(this.material, createHash("sha256").update(pdf).digest(), this.key);
  }
}

/**
 * Fills in a PDF's seal field: @signpdf/signpdf sets /ByteRange to the whole file but the
 * signature, and puts the CAdES signature over those bytes into /Contents.
 */
export function sealPdf(pdf: Buffer, seal: SealJob): Promise<Buffer> {
  return new SignPdf().sign(pdf, new CadesSigner(seal));
}
