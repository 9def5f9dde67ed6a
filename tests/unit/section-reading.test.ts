import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { NarrativeReading, TablesReading } from "../../app/components/SectionReading";
import type { PmNode } from "../../server/plans/plan-content.server";

const draw = (richText: PmNode, editable = false) =>
  renderToStaticMarkup(createElement(NarrativeReading, { richText, title: "Vision", editable }));

const text = (value: string, marks?: { type: string; attrs?: Record<string, unknown> }[]) =>
  marks ? { type: "text" as const, text: value, marks } : { type: "text" as const, text: value };

describe("a section's reading copy", () => {
  it("draws a narrative with the editor's markup: headings, marks, lists, links, breaks and tables", () => {
    const html = draw({
      type: "doc",
      content: [
        { type: "heading", attrs: { level: 2 }, content: [text("Aims")] },
        {
          type: "paragraph",
          content: [
            text("Pooled ", [{ type: "bold" }]),
            text("funds", [{ type: "italic" }]),
            { type: "hardBreak" },
            text("see ", []),
            text("the board", [{ type: "link", attrs: { href: "https://example.org/board" } }]),
          ],
        },
        {
          type: "bulletList",
          content: [{ type: "listItem", content: [{ type: "paragraph", content: [text("One")] }] }],
        },
        {
          type: "table",
          content: [
            {
              type: "tableRow",
              content: [{ type: "tableHeader", content: [{ type: "paragraph", content: [text("Partner")] }] }],
            },
            {
              type: "tableRow",
              content: [{ type: "tableCell", content: [{ type: "paragraph", content: [text("DWP")] }] }],
            },
          ],
        },
        { type: "paragraph" },
      ],
    });
    expect(html).toContain("<h2>Aims</h2>");
    expect(html).toContain("<strong>Pooled </strong><em>funds</em><br/>see ");
    expect(html).toMatch(/<a [^>]*href="https:\/\/example.org\/board"[^>]*>the board<\/a>/);
    expect(html).toContain("<ul><li><p>One</p></li></ul>");
    expect(html).toMatch(
      /<table[^>]*>.*<th colSpan="1" rowSpan="1"><p>Partner<\/p><\/th>.*<td colSpan="1" rowSpan="1"><p>DWP<\/p><\/td>/i,
    );
    // An empty paragraph keeps a line's height, as in the editor.
    expect(html).toContain('<p><br class="ProseMirror-trailingBreak"/></p>');
  });

  it("never lets a plan's words or link addresses become markup or script", () => {
    const html = draw({
      type: "doc",
      content: [
        {
          type: "paragraph",
          content: [
            text('<img src=x onerror="alert(1)">'),
            text("click", [{ type: "link", attrs: { href: "javascript:alert(2)" } }]),
          ],
        },
      ],
    });
    expect(html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(html).not.toContain("<img");
    expect(html).not.toContain("javascript:");
  });

  it("draws a section the schema cannot read as its plain text, and an empty one with the editor's placeholder", () => {
    const odd = draw({
      type: "doc",
      content: [
        { type: "marquee", content: [text("Still here")] },
        { type: "paragraph", content: [text("And this")] },
      ],
    });
    expect(odd).toContain("<p>Still here</p><p>And this</p>");
    expect(draw({ type: "doc", content: [] }, true)).toContain(
      'data-placeholder="Write this section&#x27;s narrative…"',
    );
  });

  it("draws a budget's rows and totals, and names a select's choice", () => {
    const html = renderToStaticMarkup(
      createElement(TablesReading, {
        kind: "budget",
        title: "Budget",
        data: {
          years: ["2012-13"],
          rows: [
            {
              id: "a",
              rowType: "funding",
              organisation: "Swindon",
              treatment: "pooled",
              amounts: { "2012-13": 150_000 },
            },
            { id: "b", rowType: "asset", organisation: "DWP", assetType: "staff", treatment: "aligned", amounts: {} },
          ],
        },
      }),
    );
    expect(html).toContain("<td>Swindon</td>");
    expect(html).toContain("<td>Pooled</td>");
    expect(html).toContain("<td>Staff (FTE)</td>");
    expect(html).toContain("£1,500");
    expect(html).toMatch(
      /Single budget \(excluding out of scope\)<\/th><td colSpan="1"><\/td><td class="numeric">£1,500<\/td>/,
    );
  });
});
