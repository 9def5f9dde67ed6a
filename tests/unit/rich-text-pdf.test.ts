import { describe, expect, it } from "vitest";
import { richTextToPdf } from "../../server/pdf/rich-text.server";

const doc = (...content: object[]) => ({ type: "doc", content }) as never;
const text = (value: string, ...marks: object[]) => ({ type: "text", text: value, ...(marks.length ? { marks } : {}) });

describe("a section's rich text in the PDF", () => {
  it("keeps headings, lists and inline formatting", () => {
    const content = richTextToPdf(
      doc(
        { type: "heading", attrs: { level: 2 }, content: [text("Outcomes")] },
        { type: "paragraph", content: [text("Pooled ", { type: "bold" }), text("budget", { type: "italic" }, { type: "underline" })] },
        { type: "bulletList", content: [{ type: "listItem", content: [{ type: "paragraph", content: [text("One")] }] }] },
        { type: "orderedList", attrs: { start: 3 }, content: [{ type: "listItem", content: [{ type: "paragraph", content: [text("Three")] }] }] },
      ),
    );
    expect(content).toEqual([
      { text: [{ text: "Outcomes" }], style: "richHeading2" },
      { text: [{ text: "Pooled ", bold: true }, { text: "budget", italics: true, decoration: "underline" }], style: "paragraph" },
      { ul: [{ text: [{ text: "One" }], style: "paragraph" }], style: "list" },
      { ol: [{ text: [{ text: "Three" }], style: "paragraph" }], start: 3, style: "list" },
    ]);
  });

  it("makes web links live and leaves any other scheme as plain text", () => {
    const [paragraph] = richTextToPdf(
      doc({
        type: "paragraph",
        content: [
          text("site", { type: "link", attrs: { href: "https://www.gov.uk" } }),
          text("file", { type: "link", attrs: { href: "file:///etc/passwd" } }),
        ],
      }),
    ) as [{ text: object[] }];
    expect(paragraph.text).toEqual([
      { text: "site", link: "https://www.gov.uk", color: "#1d4f91", decoration: "underline" },
      { text: "file" },
    ]);
  });

  it("keeps the text of nodes and marks the editor schema does not know", () => {
    const content = richTextToPdf(
      doc(
        { type: "paragraph", content: [text("Known")] },
        { type: "iframe", content: [text("Smuggled words", { type: "blink" })] },
      ),
    );
    expect(content).toEqual([
      { text: [{ text: "Known" }], style: "paragraph" },
      { text: [{ text: "Smuggled words" }], style: "paragraph" },
    ]);
  });
});
