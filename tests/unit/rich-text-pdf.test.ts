import { describe, expect, it } from "vitest";
import { MAX_NESTING, richTextBlocks } from "../../server/pdf/rich-text.server";

const doc = (...content: object[]) => ({ type: "doc", content }) as never;
const text = (value: string, ...marks: object[]) => ({ type: "text", text: value, ...(marks.length ? { marks } : {}) });

describe("a section's rich text in the PDF and the Word copy", () => {
  it("keeps headings, lists and inline formatting", () => {
    const content = richTextBlocks(
      doc(
        { type: "heading", attrs: { level: 2 }, content: [text("Outcomes")] },
        {
          type: "paragraph",
          content: [text("Pooled ", { type: "bold" }), text("budget", { type: "italic" }, { type: "underline" })],
        },
        {
          type: "bulletList",
          content: [{ type: "listItem", content: [{ type: "paragraph", content: [text("One")] }] }],
        },
        {
          type: "orderedList",
          attrs: { start: 3 },
          content: [{ type: "listItem", content: [{ type: "paragraph", content: [text("Three")] }] }],
        },
      ),
    );
    expect(content).toEqual([
      { type: "heading", level: 2, text: "Outcomes" },
      {
        type: "paragraph",
        runs: [
          { text: "Pooled ", bold: true },
          { text: "budget", italic: true, underline: true },
        ],
        style: "body",
      },
      {
        type: "list",
        ordered: false,
        start: 1,
        items: [[{ type: "paragraph", runs: [{ text: "One" }], style: "body" }]],
      },
      {
        type: "list",
        ordered: true,
        start: 3,
        items: [[{ type: "paragraph", runs: [{ text: "Three" }], style: "body" }]],
      },
    ]);
  });

  it("makes web links live and leaves any other scheme as plain text", () => {
    const content = richTextBlocks(
      doc({
        type: "paragraph",
        content: [
          text("site", { type: "link", attrs: { href: "https://www.gov.uk" } }),
          text("file", { type: "link", attrs: { href: "file:///etc/passwd" } }),
        ],
      }),
    );
    expect(content).toEqual([
      { type: "paragraph", runs: [{ text: "site", link: "https://www.gov.uk" }, { text: "file" }], style: "body" },
    ]);
  });

  it("keeps the text of nodes and marks the editor schema does not know", () => {
    const content = richTextBlocks(
      doc(
        { type: "paragraph", content: [text("Known")] },
        { type: "iframe", content: [text("Smuggled words", { type: "blink" })] },
      ),
    );
    expect(content).toEqual([
      { type: "paragraph", runs: [{ text: "Known" }], style: "body" },
      { type: "paragraph", runs: [{ text: "Smuggled words" }], style: "body" },
    ]);
  });

  it("flattens blocks nested 10,000 deep past the nesting limit, keeping every word in order", () => {
    let node: object = { type: "paragraph", content: [text("Deepest words", { type: "bold" })] };
    for (let level = 10_000; level > 0; level--) {
      node =
        level % 3 === 0
          ? {
              type: "bulletList",
              content: [{ type: "listItem", content: [{ type: "paragraph", content: [text(`Item ${level}`)] }, node] }],
            }
          : { type: "blockquote", content: [{ type: "paragraph", content: [text(`Quote ${level}`)] }, node] };
    }
    const content = richTextBlocks(doc(node, { type: "paragraph", content: [text("After")] }));

    const words: string[] = [];
    let deepest = 0;
    const pending: { value: unknown; depth: number }[] = [{ value: content, depth: 0 }];
    while (pending.length > 0) {
      const { value, depth } = pending.pop()!;
      deepest = Math.max(deepest, depth);
      if (typeof value === "string") words.push(value);
      else if (Array.isArray(value))
        for (let i = value.length - 1; i >= 0; i--) pending.push({ value: value[i], depth });
      else if (typeof value === "object" && value !== null) {
        const { text: inline, runs, blocks, items } = value as Record<string, unknown>;
        for (const children of [items, blocks, runs, inline].filter((c) => c !== undefined))
          pending.push({ value: children, depth: depth + 1 });
      }
    }
    const prose = words.filter((word) => word.trim() !== "");
    expect(prose).toHaveLength(10_002);
    expect(prose.slice(0, 3)).toEqual(["Quote 1", "Quote 2", "Item 3"]);
    expect(prose.slice(-2)).toEqual(["Deepest words", "After"]);
    expect(deepest).toBeLessThanOrEqual(2 * MAX_NESTING + 2);
  });

  it("keeps ordinary nesting as it was", () => {
    const quote = (inner: object) => ({ type: "blockquote", content: [inner] });
    const [outer] = richTextBlocks(doc(quote(quote({ type: "paragraph", content: [text("Twice quoted")] })))) as [
      object,
    ];
    expect(outer).toEqual({
      type: "quote",
      blocks: [{ type: "quote", blocks: [{ type: "paragraph", runs: [{ text: "Twice quoted" }], style: "body" }] }],
    });
  });

  it("renders a table with its first row as the header row, padding short rows so every row has every column", () => {
    const cell = (type: string, value: string) => ({ type, content: [{ type: "paragraph", content: [text(value)] }] });
    const content = richTextBlocks(
      doc({
        type: "table",
        content: [
          { type: "tableRow", content: [cell("tableHeader", "Outcome"), cell("tableHeader", "Measure")] },
          { type: "tableRow", content: [cell("tableCell", "Fewer arrests")] },
        ],
      }),
    );
    expect(content).toEqual([
      {
        type: "table",
        table: { columns: [{ label: "Outcome" }, { label: "Measure" }], rows: [{ cells: ["Fewer arrests", ""] }] },
      },
    ]);
  });
});
