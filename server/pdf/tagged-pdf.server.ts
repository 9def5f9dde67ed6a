import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import PDFDocument from "pdfkit";
import { addSealField, type SealJob } from "../seal/seal-pdf.server";
import {
  printable as clean,
  type Block,
  type DocumentSection,
  type ParagraphStyle,
  type PlanDocument,
  type Run,
  type Table,
} from "./document-model.server";

type Doc = PDFKit.PDFDocument;
type Element = PDFKit.PDFStructureElement;
/** pdfkit writes a header cell's Scope from this option; its type definitions lag behind. */
type ElementOptions = NonNullable<Parameters<Doc["struct"]>[1]> & { scope?: "Row" | "Column" };
/** pdfkit takes a page's index as an internal link (a GoTo to that page); its types list only URLs. */
const pageLink = (index: number) => index as unknown as string;

const INK = "#0b0c0c";
const MUTED = "#505a5f";
const BRAND = "#1d4f91";
const LINE = "#b1b4b6";
const SHADE = "#f3f2f1";
const TONE = { muted: MUTED, alert: "#b3261e", ok: "#00703c" } as const;

const MARGIN = { top: 64, bottom: 60, left: 56, right: 56 };
/** Table cell padding; amount columns get more on the left so that years stand apart. */
const CELL_PAD = { x: 4, y: 2.5, amountGap: 10 };
const LIST_INDENT = 16;

const FONT_FILES = {
  regular: "Roboto-Regular.ttf",
  bold: "Roboto-Medium.ttf",
  italic: "Roboto-Italic.ttf",
  boldItalic: "Roboto-MediumItalic.ttf",
} as const;
type FontName = keyof typeof FONT_FILES;

interface TextStyle {
  size: number;
  color: string;
  bold?: boolean;
  italic?: boolean;
  /** Space after the block. */
  after: number;
}

const PARAGRAPH: Record<ParagraphStyle, TextStyle> = {
  body: { size: 10, color: INK, after: 5 },
  kind: { size: 8.5, color: MUTED, after: 8 },
  empty: { size: 10, color: MUTED, italic: true, after: 5 },
  code: { size: 8.5, color: INK, after: 5 },
  small: { size: 8.5, color: INK, after: 2 },
  cover: { size: 11, color: INK, after: 4 },
  coverArea: { size: 14, color: MUTED, bold: true, after: 12 },
};

const HEADING: Record<number, TextStyle> = {
  1: { size: 28, color: BRAND, bold: true, after: 20 },
  2: { size: 16, color: BRAND, bold: true, after: 4 },
  3: { size: 12, color: INK, bold: true, after: 4 },
  4: { size: 11, color: INK, bold: true, after: 3 },
  5: { size: 10, color: INK, bold: true, after: 3 },
  6: { size: 10, color: MUTED, bold: true, after: 3 },
};
const LABEL: TextStyle = { size: 8.5, color: MUTED, bold: true, after: 2 };

let fonts: Record<FontName, Buffer> | null = null;

/** Roboto (it has £, accents and dashes), read once per worker from the copy pdfmake ships. */
function fontData(): Record<FontName, Buffer> {
  if (fonts) return fonts;
  const dir = join(dirname(createRequire(import.meta.url).resolve("pdfmake/package.json")), "fonts", "Roboto");
  fonts = Object.fromEntries(
    Object.entries(FONT_FILES).map(([name, file]) => [name, readFileSync(join(dir, file))]),
  ) as Record<FontName, Buffer>;
  return fonts;
}

/**
 * The plan as a tagged PDF (PDF/UA-1) with pdfkit: every piece of text on a page belongs to a
 * structure element (headings, paragraphs, lists, tables with header cells, links), in reading
 * order, and everything else (running head, page numbers, DRAFT, rules and cell shading) is an
 * artifact. Only fonts held in memory are used and no image is drawn, so nothing in a plan can
 * make the server read a file or fetch a URL; links are written as links, never followed.
 * Files given as `attachments` are embedded as associated files (the catalog's /AF, as PDF/A-3
 * does); with `seal`, the file carries an empty signature field for `sealPdf` to fill in.
 */
export function renderTaggedPdf(plan: PlanDocument, options: PdfExtras = {}): Promise<Buffer> {
  const doc = new PDFDocument({
    size: "A4",
    margins: MARGIN,
    bufferPages: true,
    autoFirstPage: true,
    pdfVersion: "1.7",
    tagged: true,
    lang: "en-GB",
    displayTitle: true,
    // pdfkit writes `pdfuaid:part 1` into the XMP metadata for this subset; its types list only PDF/A.
    subset: "PDF/UA" as PDFKit.Mixins.PDFSubsets,
    info: { Title: plan.title, Author: plan.author, Subject: plan.subject, Creator: "Coplan", Producer: "Coplan" },
  });
  for (const [name, data] of Object.entries(fontData())) doc.registerFont(name, data);
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  for (const attachment of options.attachments ?? []) {
    doc.file(attachment.data, {
      name: attachment.name,
      type: attachment.type,
      description: attachment.description,
      creationDate: attachment.createdAt,
      modifiedDate: attachment.createdAt,
      relationship: "Data",
    } as PDFKit.Mixins.PDFAttachmentOptions);
  }
  new PlanLayout(doc, plan, options.seal ?? null).render();
  doc.end();
  return done;
}

export interface PdfAttachment {
  name: string;
  type: string;
  description: string;
  data: Buffer;
  createdAt: Date;
}

export interface PdfExtras {
  attachments?: PdfAttachment[];
  seal?: SealJob;
}

interface ContentsEntry {
  title: string;
  page: number;
}

/** A PDF text string: pdfkit writes a String object as `(...)` and a plain string as a name. */
const pdfString = (text: string) => new String(text) as unknown as string;

class PlanLayout {
  private readonly width: number;
  /** The alternative text of the link being drawn, for its annotation's Contents. */
  private linkAlt = "";

  constructor(
    private readonly doc: Doc,
    private readonly plan: PlanDocument,
    private readonly seal: SealJob | null,
  ) {
    this.width = doc.page.width - MARGIN.left - MARGIN.right;
    // pdfkit's text() makes each link annotation itself; PDF/UA wants its Contents to say where it goes.
    const link = doc.link.bind(doc);
    doc.link = (x, y, w, h, url, options) => link(x, y, w, h, url, { ...options, Contents: pdfString(this.linkAlt) });
  }

  render(): void {
    const { doc, plan } = this;
    const root = doc.struct("Document");
    doc.addStructure(root);

    this.cover(root);
    doc.addPage();
    const contents = this.reserveContents(root);
    doc.addPage();

    const entries: ContentsEntry[] = [];
    plan.sections.forEach((section, index) => {
      if (index > 0) this.startSection(section);
      entries.push(this.section(root, section));
    });
    for (const appendix of plan.appendices) {
      doc.addPage();
      entries.push(this.section(root, appendix));
    }
    this.fillContents(contents, entries);
    if (this.seal) {
      // The seal's field closes the reading order, so it sits on the last page.
      doc.switchToPage(this.pageIndex);
      addSealField(doc, root, this.seal);
    }
    root.end();
    this.furniture();
  }

  private get bottom(): number {
    return this.doc.page.height - MARGIN.bottom;
  }

  private get pageIndex(): number {
    const range = this.doc.bufferedPageRange();
    return range.start + range.count - 1;
  }

  /** A new page unless `height` still fits on this one. */
  private ensure(height: number): void {
    if (this.doc.y + height > this.bottom) this.doc.addPage();
  }

  private font(style: { bold?: boolean; italic?: boolean }): FontName {
    if (style.bold) return style.italic ? "boldItalic" : "bold";
    return style.italic ? "italic" : "regular";
  }

  private lineHeight(size: number): number {
    return size * 1.2 + this.lineGap(size);
  }

  private lineGap(size: number): number {
    return size * 0.12;
  }

  private cover(root: Element): void {
    const { doc, plan } = this;
    doc.y = 180;
    this.paragraph(root, [{ text: plan.area }], PARAGRAPH.coverArea, MARGIN.left, this.width);
    this.heading(root, 1, plan.title, MARGIN.left, this.width);
    for (const line of plan.cover) this.paragraph(root, line, PARAGRAPH.cover, MARGIN.left, this.width);
  }

  /**
   * The contents' heading now and as many pages as its entries will take: the entries are
   * written once the sections have been laid out and their pages are known.
   */
  private reserveContents(root: Element): { toc: Element; pages: number[]; top: number } {
    const { doc, plan } = this;
    this.heading(root, 2, "Contents", MARGIN.left, this.width);
    const toc = doc.struct("TOC");
    root.add(toc);
    const titles = [...plan.sections, ...plan.appendices].map((s) => s.title);
    doc.font("regular").fontSize(PARAGRAPH.body.size);
    let y = doc.y + 4;
    const pages = [this.pageIndex];
    for (const title of titles) {
      const height = this.contentsEntryHeight(title);
      if (y + height > this.bottom) {
        doc.addPage();
        pages.push(this.pageIndex);
        y = MARGIN.top;
      }
      y += height;
    }
    return { toc, pages, top: doc.y + 4 };
  }

  private contentsEntryHeight(title: string): number {
    this.doc.font("regular").fontSize(PARAGRAPH.body.size);
    return this.doc.heightOfString(title, { width: this.width - 40, lineGap: 2 }) + 5;
  }

  private fillContents(contents: { toc: Element; pages: number[]; top: number }, entries: ContentsEntry[]): void {
    const { doc } = this;
    let pageAt = 0;
    doc.switchToPage(contents.pages[0]!);
    let y = contents.top;
    for (const entry of entries) {
      const height = this.contentsEntryHeight(entry.title);
      if (y + height > this.bottom) {
        pageAt += 1;
        doc.switchToPage(contents.pages[pageAt]!);
        y = MARGIN.top;
      }
      const item = doc.struct("TOCI");
      contents.toc.add(item);
      this.linkAlt = `${entry.title}, page ${entry.page + 1}`;
      const link = doc.struct("Link", { alt: this.linkAlt });
      item.add(link);
      link.add(() => {
        doc.font("regular").fontSize(PARAGRAPH.body.size).fillColor(INK);
        doc.text(`${entry.title} `, MARGIN.left, y, { width: this.width - 40, lineGap: 2, link: pageLink(entry.page) });
        doc.font("bold").text(String(entry.page + 1), MARGIN.left + this.width - 40, y, {
          width: 40,
          align: "right",
          lineBreak: false,
          link: pageLink(entry.page),
        });
      });
      link.end();
      item.end();
      y += height;
    }
    contents.toc.end();
  }

  /** Written sections take a new page only when less than a third of this one is left. */
  private startSection(section: DocumentSection): void {
    const { doc } = this;
    const pageHeight = doc.page.height - MARGIN.top - MARGIN.bottom;
    if (section.empty) {
      doc.y += 14;
      this.ensure(this.emptySectionHeight(section));
    } else if (this.bottom - doc.y < pageHeight / 3) {
      doc.addPage();
    } else {
      doc.y += 18;
    }
  }

  /** Roughly how tall an empty section is, so it is kept on one page. */
  private emptySectionHeight(section: DocumentSection): number {
    return this.lineHeight(HEADING[2]!.size) + 10 + section.blocks.length * this.lineHeight(PARAGRAPH.body.size) + 10;
  }

  private section(root: Element, section: DocumentSection): ContentsEntry {
    const { doc } = this;
    if (doc.y > MARGIN.top) this.ensure(this.lineHeight(HEADING[2]!.size) + 3 * this.lineHeight(PARAGRAPH.body.size));
    const element = doc.struct("Sect");
    root.add(element);
    const page = this.pageIndex;
    doc.outline.addItem(section.title);
    this.heading(element, 2, section.title, MARGIN.left, this.width);
    this.blocks(element, section.blocks, MARGIN.left, this.width, 0);
    element.end();
    return { title: section.title, page };
  }

  private blocks(parent: Element, blocks: Block[], x: number, width: number, depth: number, quote = false): void {
    blocks.forEach((block, index) => {
      switch (block.type) {
        case "heading":
          return this.heading(parent, block.level, block.text, x, width, block.label);
        case "paragraph": {
          const style = PARAGRAPH[block.style];
          const indent = (block.indent ?? 0) * LIST_INDENT;
          const shown = quote ? { ...style, color: MUTED, italic: true } : style;
          // The last paragraph of a list item sits close to the next item.
          const after = depth > 0 && index === blocks.length - 1 ? 2 : shown.after;
          return this.paragraph(parent, block.runs, { ...shown, after }, x + indent, width - indent);
        }
        case "list":
          return this.list(parent, block, x, width, depth);
        case "quote": {
          const element = this.doc.struct("BlockQuote");
          parent.add(element);
          this.blocks(element, block.blocks, x + LIST_INDENT, width - LIST_INDENT, depth, true);
          element.end();
          return;
        }
        case "table":
          return this.table(parent, block.table, x, width);
        case "rule":
          return this.rule(x, width);
      }
    });
  }

  private heading(parent: Element, level: number, text: string, x: number, width: number, label = false): void {
    const { doc } = this;
    const style = label ? LABEL : HEADING[level]!;
    if (level > 2 && doc.y > MARGIN.top) doc.y += label ? 6 : 6;
    // A heading is never the last line of a page: it keeps a few lines of what it heads.
    doc.font(this.font(style)).fontSize(style.size);
    const height = doc.heightOfString(clean(text) || " ", { width });
    this.ensure(height + 3 * this.lineHeight(PARAGRAPH.body.size));
    const element = doc.struct(`H${level}`);
    parent.add(element);
    element.add(() => {
      doc.font(this.font(style)).fontSize(style.size).fillColor(style.color);
      doc.text(clean(text) || " ", x, doc.y, { width });
    });
    element.end();
    doc.y += style.after;
  }

  private paragraph(parent: Element, runs: Run[], style: TextStyle, x: number, width: number): void {
    const { doc } = this;
    const visible = runs.map((run) => ({ ...run, text: clean(run.text) })).filter((run) => run.text !== "");
    if (visible.length === 0) return;
    this.ensure(this.lineHeight(style.size));
    const element = doc.struct("P");
    parent.add(element);
    const lineGap = this.lineGap(style.size);
    visible.forEach((run, index) => {
      const draw = () => {
        doc
          .font(this.font({ bold: style.bold || run.bold, italic: style.italic || run.italic }))
          .fontSize(run.code ? style.size - 0.5 : style.size)
          .fillColor(run.link ? BRAND : run.tone ? TONE[run.tone] : style.color);
        const options: PDFKit.Mixins.TextOptions = {
          width,
          lineGap,
          continued: index < visible.length - 1,
          underline: Boolean(run.underline || run.link),
          strike: Boolean(run.strike),
          link: run.link ?? null,
        };
        if (index === 0) doc.text(run.text, x, doc.y, options);
        else doc.text(run.text, options);
      };
      if (run.link) {
        this.linkAlt = `${run.text.trim()} (link to ${run.link})`;
        const link = doc.struct("Link", { alt: this.linkAlt });
        element.add(link);
        link.add(draw);
        link.end();
      } else {
        element.add(draw);
      }
    });
    element.end();
    doc.x = x;
    doc.y += style.after;
  }

  private list(
    parent: Element,
    block: Extract<Block, { type: "list" }>,
    x: number,
    width: number,
    depth: number,
  ): void {
    const { doc } = this;
    const element = doc.struct("L");
    parent.add(element);
    block.items.forEach((item, index) => {
      const label = block.ordered ? `${block.start + index}.` : depth % 2 === 0 ? "•" : "–";
      const li = doc.struct("LI");
      element.add(li);
      this.ensure(this.lineHeight(PARAGRAPH.body.size));
      const y = doc.y;
      const lbl = doc.struct("Lbl");
      li.add(lbl);
      lbl.add(() => {
        doc.font("regular").fontSize(PARAGRAPH.body.size).fillColor(INK);
        doc.text(label, x, y, { width: LIST_INDENT + 8, lineBreak: false });
      });
      lbl.end();
      doc.y = y;
      const body = doc.struct("LBody");
      li.add(body);
      const indent = block.ordered ? LIST_INDENT + 6 : LIST_INDENT;
      this.blocks(body, item, x + indent, width - indent, depth + 1);
      body.end();
      li.end();
      if (doc.y === y) doc.y += this.lineHeight(PARAGRAPH.body.size);
    });
    element.end();
    doc.y += depth === 0 ? 4 : 0;
  }

  private artifact(draw: () => void, type: "Pagination" | "Layout" = "Layout"): void {
    this.doc.markContent("Artifact", { type });
    this.doc.save();
    draw();
    this.doc.restore();
    this.doc.endMarkedContent();
  }

  private rule(x: number, width: number): void {
    const y = this.doc.y + 4;
    this.artifact(() =>
      this.doc
        .moveTo(x, y)
        .lineTo(x + width, y)
        .lineWidth(0.5)
        .strokeColor(LINE)
        .stroke(),
    );
    this.doc.y = y + 8;
  }

  private table(parent: Element, table: Table, x: number, width: number): void {
    const { doc } = this;
    const size = table.dense ? 8 : 9;
    const headSize = size - 0.5;
    const widths = this.columnWidths(table, size, headSize, width);
    const align = (column: number) => (table.columns[column]!.amount ? ("right" as const) : ("left" as const));
    const padLeft = (column: number) => (table.columns[column]!.amount ? CELL_PAD.amountGap : CELL_PAD.x);
    const cellOptions = (column: number) => ({
      width: widths[column]! - padLeft(column) - CELL_PAD.x,
      align: align(column),
      lineGap: 1,
    });
    const rowHeight = (cells: string[], bold: boolean, fontSize: number) => {
      doc.font(bold ? "bold" : "regular").fontSize(fontSize);
      return (
        Math.max(
          fontSize * 1.2,
          ...cells.map((cell, column) => (cell ? doc.heightOfString(cell, cellOptions(column)) : 0)),
        ) +
        2 * CELL_PAD.y +
        1
      );
    };
    const cellX = (column: number) => x + widths.slice(0, column).reduce((sum, w) => sum + w, 0);
    const drawCell = (text: string, column: number, y: number, bold: boolean, fontSize: number) => {
      doc
        .font(bold ? "bold" : "regular")
        .fontSize(fontSize)
        .fillColor(bold && fontSize === headSize ? MUTED : INK);
      doc.text(text, cellX(column) + padLeft(column), y + CELL_PAD.y, cellOptions(column));
    };
    const headerCells = table.columns.map((column) => clean(column.label));
    const headerHeight = rowHeight(headerCells, true, headSize);

    const element = doc.struct("Table");
    parent.add(element);
    /** The header row: tagged where the table starts, an artifact where a page repeats it. */
    const header = (tagged: boolean) => {
      const y = doc.y;
      this.artifact(() => {
        doc.rect(x, y, width, headerHeight).fillColor(SHADE).fill();
        doc
          .moveTo(x, y + headerHeight)
          .lineTo(x + width, y + headerHeight)
          .lineWidth(0.8)
          .strokeColor(LINE)
          .stroke();
      });
      if (tagged) {
        const tr = doc.struct("TR");
        element.add(tr);
        headerCells.forEach((text, column) => {
          const options: ElementOptions = { scope: "Column" };
          const th = doc.struct("TH", options);
          tr.add(th);
          if (text) th.add(() => drawCell(text, column, y, true, headSize));
          th.end();
        });
        tr.end();
      } else {
        this.artifact(
          () => headerCells.forEach((text, column) => drawCell(text, column, y, true, headSize)),
          "Pagination",
        );
      }
      doc.y = y + headerHeight;
    };

    this.ensure(headerHeight + rowHeight(table.rows[0]?.cells ?? [""], false, size));
    header(true);
    for (const row of table.rows) {
      const cells = table.columns.map((_, column) => clean(row.cells[column] ?? ""));
      const height = rowHeight(cells, Boolean(row.total), size);
      if (doc.y + height > this.bottom) {
        doc.addPage();
        header(false);
      }
      const y = doc.y;
      const tr = doc.struct("TR");
      element.add(tr);
      cells.forEach((text, column) => {
        const isRowHeader = table.rowHeaders && column === 0;
        const options: ElementOptions = isRowHeader ? { scope: "Row" } : {};
        const cell = doc.struct(isRowHeader ? "TH" : "TD", options);
        tr.add(cell);
        if (text) cell.add(() => drawCell(text, column, y, Boolean(row.total), size));
        cell.end();
      });
      tr.end();
      this.artifact(() =>
        doc
          .moveTo(x, y + height)
          .lineTo(x + width, y + height)
          .lineWidth(row.total ? 0.8 : 0.4)
          .strokeColor(LINE)
          .stroke(),
      );
      doc.y = y + height;
    }
    element.end();
    doc.x = x;
    doc.y += 8;
  }

  /**
   * Amount columns are as wide as their widest figure (plus a gap, so years stand apart); text
   * columns share the rest by how much they hold, each at least as wide as its longest word
   * allows (up to a point), and the table fills the width.
   */
  private columnWidths(table: Table, size: number, headSize: number, width: number): number[] {
    const { doc } = this;
    const widest = (texts: string[], fontSize: number, bold: boolean, measure: (text: string) => string[]) => {
      doc.font(bold ? "bold" : "regular").fontSize(fontSize);
      let max = 0;
      for (const text of texts) for (const part of measure(text)) max = Math.max(max, doc.widthOfString(part));
      return max;
    };
    const lines = (text: string) => text.split("\n");
    const words = (text: string) => text.split(/\s+/);
    const natural = table.columns.map((column, index) => {
      const cells = table.rows.map((row) => clean(row.cells[index] ?? ""));
      const pad = (column.amount ? CELL_PAD.amountGap : CELL_PAD.x) + CELL_PAD.x;
      const content = Math.max(widest([clean(column.label)], headSize, true, lines), widest(cells, size, true, lines));
      const minimum = Math.min(
        Math.max(widest([clean(column.label)], headSize, true, words), widest(cells, size, false, words)),
        90,
      );
      // A long cell wraps anyway: past a third of the width, its length says little about its column.
      const want = column.amount ? content + pad + 1 : Math.min(content + pad + 1, width / 3);
      return { amount: Boolean(column.amount), want: Math.max(want, minimum + pad + 1), min: minimum + pad + 1 };
    });
    const fixed = natural.filter((c) => c.amount).reduce((sum, c) => sum + c.want, 0);
    const widths = natural.map((c) => (c.amount ? c.want : 0));
    // Short text columns get all they want first; the long ones share what is left.
    let remaining = width - fixed;
    const open = natural
      .flatMap((c, index) => (c.amount ? [] : [index]))
      .sort((a, b) => natural[a]!.want - natural[b]!.want);
    while (open.length > 0 && natural[open[0]!]!.want <= remaining / open.length) {
      const index = open.shift()!;
      widths[index] = natural[index]!.want;
      remaining -= natural[index]!.want;
    }
    const wanted = open.reduce((sum, index) => sum + natural[index]!.want, 0);
    for (const index of open)
      widths[index] = Math.max(natural[index]!.min, (remaining * natural[index]!.want) / wanted);
    const used = widths.reduce((sum, w) => sum + w, 0);
    const textWidth = widths.reduce((sum, w, index) => sum + (natural[index]!.amount ? 0 : w), 0);
    if (used > width) return widths.map((w) => (w * width) / used);
    // Room to spare widens the text columns, so every table spans the page.
    if (textWidth === 0) return widths.map((w) => (w * width) / used);
    return widths.map((w, index) => (natural[index]!.amount ? w : w + ((width - used) * w) / textWidth));
  }

  /** Running head, DRAFT and "Page X of Y" on every page, as artifacts, once the page count is known. */
  private furniture(): void {
    const { doc, plan } = this;
    const range = doc.bufferedPageRange();
    for (let index = range.start; index < range.start + range.count; index++) {
      doc.switchToPage(index);
      // Writing in the margins must not start a new page.
      const margins = doc.page.margins;
      doc.page.margins = { ...margins, top: 0, bottom: 0 };
      const { width, height } = doc.page;
      this.artifact(() => {
        doc.font("regular").fontSize(8.5).fillColor(MUTED);
        doc.text(clean(plan.title), MARGIN.left, 30, { width: this.width - 60, lineBreak: false, ellipsis: true });
        if (!plan.final)
          doc.font("bold").text("DRAFT", MARGIN.left + this.width - 60, 30, { width: 60, align: "right" });
        doc.font("regular").text(`Page ${index + 1} of ${range.count}`, MARGIN.left, height - 40, {
          width: this.width,
          align: "center",
          lineBreak: false,
        });
      }, "Pagination");
      if (!plan.final) {
        this.artifact(() => {
          doc.rotate(-52, { origin: [width / 2, height / 2] });
          doc.font("bold").fontSize(120).fillColor("#b3261e").fillOpacity(0.07);
          doc.text("DRAFT", 0, height / 2 - 70, { width, align: "center", lineBreak: false });
        });
      }
      doc.page.margins = margins;
    }
  }
}
