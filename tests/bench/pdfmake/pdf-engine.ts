import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import pdfmake from "pdfmake";
import type { TDocumentDefinitions } from "pdfmake/interfaces";

const FONT_FILES = {
  normal: "Roboto-Regular.ttf",
  bold: "Roboto-Medium.ttf",
  italics: "Roboto-Italic.ttf",
  bolditalics: "Roboto-MediumItalic.ttf",
} as const;

interface VirtualFileSystem {
  writeFileSync(filename: string, content: Buffer): void;
}

let configured = false;

/**
 * pdfmake, set up once: Roboto (it has £, accents and dashes) is read into pdfmake's virtual
 * file system, and every other file and every URL is refused, so nothing in a plan can make
 * the server read a file or fetch a URL while it renders.
 */
function engine(): typeof pdfmake {
  if (configured) return pdfmake;
  const fontsDir = join(dirname(createRequire(import.meta.url).resolve("pdfmake/package.json")), "fonts", "Roboto");
  const virtualfs = (pdfmake as unknown as { virtualfs: VirtualFileSystem }).virtualfs;
  for (const file of Object.values(FONT_FILES)) virtualfs.writeFileSync(file, readFileSync(join(fontsDir, file)));
  pdfmake.setFonts({ Roboto: { ...FONT_FILES } });
  pdfmake.setUrlAccessPolicy(() => false);
  pdfmake.setLocalAccessPolicy(() => false);
  configured = true;
  return pdfmake;
}

export function renderPdf(definition: TDocumentDefinitions): Promise<Buffer> {
  return engine().createPdf(definition).getBuffer();
}
