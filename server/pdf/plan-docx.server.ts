import {
  AlignmentType,
  BorderStyle,
  Document,
  ExternalHyperlink,
  Footer,
  Header,
  HeadingLevel,
  LevelFormat,
  Packer,
  PageNumber,
  Paragraph,
  ShadingType,
  Table as WordTable,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
  type ParagraphChild,
} from "docx";
import {
  printable as clean,
  type Block,
  type DocumentSection,
  type ParagraphStyle,
  type PlanDocument,
  type Run,
  type Table,
} from "./document-model.server";

const HEADINGS = [
  HeadingLevel.HEADING_1,
  HeadingLevel.HEADING_2,
  HeadingLevel.HEADING_3,
  HeadingLevel.HEADING_4,
  HeadingLevel.HEADING_5,
  HeadingLevel.HEADING_6,
] as const;

const ORDERED = "ordered-list";
const MUTED = "505A5F";
const TONE = { muted: MUTED, alert: "B3261E", ok: "00703C" } as const;
/** Half-points, as Word counts font sizes. */
const SIZE: Record<ParagraphStyle, number> = {
  body: 21,
  kind: 17,
  empty: 21,
  code: 17,
  small: 17,
  cover: 22,
  coverArea: 28,
};

/**
 * The plan as a Word document (docx): the same content as the PDF, with headings in Word's
 * heading styles (so the navigation pane lists them), real tables whose first row repeats on
 * each page, lists in Word's numbering, and DRAFT in the page header until the plan is final.
 */
export function renderDocx(plan: PlanDocument): Promise<Buffer> {
  const ordered = { count: 0 };
  const body = [
    ...cover(plan),
    ...plan.sections.flatMap((section, index) => section_(section, index > 0, ordered)),
    ...plan.appendices.flatMap((appendix) => section_(appendix, true, ordered)),
  ];
  const document = new Document({
    creator: "Coplan",
    title: plan.title,
    subject: plan.subject,
    description: plan.subject,
    lastModifiedBy: "Coplan",
    styles: {
      default: {
        document: { run: { font: "Arial", size: SIZE.body } },
        // Outline levels make them headings to Word's navigation pane and to LibreOffice alike.
        ...Object.fromEntries(
          [28, 16, 12, 11, 10, 10].map((points, index) => [
            `heading${index + 1}`,
            {
              run: { size: points * 2, bold: true, color: index < 2 ? "1D4F91" : "0B0C0C", font: "Arial" },
              paragraph: { outlineLevel: index, spacing: { before: index < 2 ? 240 : 160, after: 80 }, keepNext: true },
            },
          ]),
        ),
      },
    },
    numbering: {
      config: [
        {
          reference: ORDERED,
          levels: Array.from({ length: 6 }, (_, level) => ({
            level,
            format: LevelFormat.DECIMAL,
            text: `%${level + 1}.`,
            alignment: AlignmentType.START,
            style: { paragraph: { indent: { left: 360 * (level + 1), hanging: 360 } } },
          })),
        },
      ],
    },
    sections: [
      {
        headers: {
          default: new Header({
            children: [
              new Paragraph({
                children: [
                  new TextRun({ text: clean(plan.title), color: MUTED, size: 17 }),
                  ...(plan.final ? [] : [new TextRun({ text: "\tDRAFT", bold: true, color: TONE.alert, size: 17 })]),
                ],
                tabStops: [{ type: "right", position: 9000 }],
              }),
            ],
          }),
        },
        footers: {
          default: new Footer({
            children: [
              new Paragraph({
                alignment: AlignmentType.CENTER,
                children: [
                  new TextRun({ children: ["Page ", PageNumber.CURRENT, " of ", PageNumber.TOTAL_PAGES], size: 17 }),
                ],
              }),
            ],
          }),
        },
        children: body,
      },
    ],
  });
  return Packer.toBuffer(document);
}

type Item = Paragraph | WordTable;

function cover(plan: PlanDocument): Item[] {
  return [
    paragraph([{ text: plan.area, bold: true, tone: "muted" }], "coverArea"),
    new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun(clean(plan.title))] }),
    ...plan.cover.map((line) => paragraph(line, "cover")),
  ];
}

function section_(section: DocumentSection, newPage: boolean, ordered: { count: number }): Item[] {
  return [
    new Paragraph({
      heading: HeadingLevel.HEADING_2,
      pageBreakBefore: newPage && !section.empty,
      children: [new TextRun(clean(section.title))],
    }),
    ...blocks(section.blocks, 0, ordered),
  ];
}

function blocks(list: Block[], depth: number, ordered: { count: number }): Item[] {
  return list.flatMap((block): Item[] => {
    switch (block.type) {
      case "heading":
        return [
          new Paragraph({
            heading: HEADINGS[Math.min(Math.max(block.level, 1), 6) - 1],
            children: [new TextRun(clean(block.text))],
          }),
        ];
      case "paragraph":
        return [paragraph(block.runs, block.style, block.indent)];
      case "list": {
        const instance = ++ordered.count;
        return block.items.flatMap((item) =>
          item.flatMap((child, index): Item[] => {
            if (child.type !== "paragraph" || index > 0) return blocks([child], depth + 1, ordered);
            return [
              new Paragraph({
                children: runs(child.runs),
                ...(block.ordered
                  ? { numbering: { reference: ORDERED, level: Math.min(depth, 5), instance } }
                  : { bullet: { level: Math.min(depth, 8) } }),
              }),
            ];
          }),
        );
      }
      case "quote":
        return blocks(block.blocks, depth, ordered);
      case "table":
        return [table(block.table), new Paragraph({})];
      case "rule":
        return [
          new Paragraph({ border: { bottom: { style: BorderStyle.SINGLE, size: 4, color: "B1B4B6", space: 1 } } }),
        ];
    }
  });
}

function paragraph(list: Run[], style: ParagraphStyle, indent = 0): Paragraph {
  return new Paragraph({
    children: runs(list, SIZE[style], style === "kind" || style === "empty" ? "muted" : undefined),
    indent: indent ? { left: 360 * indent } : undefined,
    spacing: { after: style === "small" ? 40 : 120 },
  });
}

function runs(list: Run[], size?: number, tone?: Run["tone"]): ParagraphChild[] {
  return list
    .filter((run) => run.text !== "")
    .map((run) => {
      const shown = (text: string, link = false) =>
        new TextRun({
          text: clean(text),
          bold: run.bold,
          italics: run.italic,
          underline: run.underline || link ? {} : undefined,
          strike: run.strike,
          font: run.code ? "Courier New" : undefined,
          color: link ? "1D4F91" : (run.tone ?? tone) ? TONE[(run.tone ?? tone)!] : undefined,
          size,
        });
      const lines = run.text.split("\n");
      const pieces = lines.map((line, index) =>
        index === 0 ? shown(line, Boolean(run.link)) : new TextRun({ text: clean(line), break: 1, size }),
      );
      return run.link ? new ExternalHyperlink({ link: run.link, children: pieces }) : pieces;
    })
    .flat();
}

function table(source: Table): WordTable {
  const size = source.dense ? 16 : 18;
  const cell = (text: string, options: { header?: boolean; bold?: boolean; amount?: boolean }) =>
    new TableCell({
      shading: options.header ? { type: ShadingType.CLEAR, fill: "F3F2F1", color: "auto" } : undefined,
      children: clean(text)
        .split("\n")
        .map(
          (line) =>
            new Paragraph({
              alignment: options.amount ? AlignmentType.RIGHT : AlignmentType.LEFT,
              children: [new TextRun({ text: line, bold: options.header || options.bold, size })],
            }),
        ),
    });
  return new WordTable({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [
      new TableRow({
        tableHeader: true,
        cantSplit: true,
        children: source.columns.map((column) => cell(column.label, { header: true, amount: column.amount })),
      }),
      ...source.rows.map(
        (row) =>
          new TableRow({
            cantSplit: true,
            children: source.columns.map((column, index) =>
              cell(row.cells[index] ?? "", {
                bold: row.total || (source.rowHeaders && index === 0),
                amount: column.amount,
              }),
            ),
          }),
      ),
    ],
  });
}
