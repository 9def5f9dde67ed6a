import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { sectionFragmentName } from "../../app/shared/doc-names";
import { newSuggestionId, parseSuggestionId } from "../../app/shared/suggestion-marks";
import { resolveAnchor } from "../../server/comments/anchors.server";
import { sectionPlainText, sectionRichTextJson, type PmNode } from "../../server/plans/plan-content.server";
import { richTextBlocks } from "../../server/pdf/rich-text.server";
import { sectionContentHash } from "../../server/signoffs/section-content.server";

const reviewer = "user-reviewer";

/** A section whose one paragraph reads "We fund twelve families." */
function planWithParagraph(): { doc: Y.Doc; text: Y.XmlText } {
  const doc = new Y.Doc();
  const paragraph = new Y.XmlElement("paragraph");
  const text = new Y.XmlText();
  paragraph.insert(0, [text]);
  doc.getXmlFragment(sectionFragmentName("s")).insert(0, [paragraph]);
  text.insert(0, "We fund twelve families.");
  return { doc, text };
}

describe("pending suggestions are not content", () => {
  it("leaves out the words a suggestion adds and keeps the words it deletes, in text, JSON and hash", () => {
    const { doc, text } = planWithParagraph();
    const before = { plain: sectionPlainText(doc, "s"), hash: sectionContentHash(doc, "s") };
    const id = newSuggestionId(reviewer);
    text.format(8, 6, { deletion: { id } });
    text.insert(14, "fourteen", { insertion: { id } });

    expect(sectionPlainText(doc, "s")).toBe("We fund twelve families.");
    expect(sectionRichTextJson(doc, "s")).toEqual({
      type: "doc",
      content: [{ type: "paragraph", content: [{ type: "text", text: "We fund twelve families." }] }],
    });
    expect(sectionContentHash(doc, "s")).toBe(before.hash);
    expect(sectionPlainText(doc, "s")).toBe(before.plain);
    // A reader that asks for the suggestions still gets them, marks and all.
    const paragraph = sectionRichTextJson(doc, "s", { withSuggestions: true }).content![0] as PmNode;
    expect(paragraph.content).toContainEqual({
      type: "text",
      text: "fourteen",
      marks: [{ type: "insertion", attrs: { id } }],
    });
  });

  it("keeps suggested words out of the PDF's blocks", () => {
    const { doc, text } = planWithParagraph();
    text.insert(0, "SECRET ", { insertion: { id: newSuggestionId(reviewer) } });
    expect(JSON.stringify(richTextBlocks(sectionRichTextJson(doc, "s")))).not.toContain("SECRET");
  });

  it("places a comment's anchor after a suggested insertion on the accepted text", () => {
    const { doc, text } = planWithParagraph();
    const start = Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, 15));
    const end = Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, 23));
    text.insert(0, "Pending ", { insertion: { id: newSuggestionId(reviewer) } });
    expect(resolveAnchor(doc, "s", { start, end })).toEqual({ status: "anchored", text: "families", from: 15, to: 23 });
  });
});

describe("suggestion ids", () => {
  it("name their author and time, and differ between two made at once", () => {
    const now = Date.UTC(2026, 11, 6, 6, 0);
    const a = newSuggestionId("u-1", now);
    expect(parseSuggestionId(a)).toEqual({ authorId: "u-1", createdAt: new Date(now) });
    expect(newSuggestionId("u-1", now)).not.toBe(a);
  });

  it("are refused when they do not have that shape", () => {
    for (const id of [
      null,
      7,
      "",
      "u-1",
      "u-1:zz",
      "u-1:abc:not-hex",
      `:${Date.now().toString(36)}:0123456789abcdef`,
    ]) {
      expect(parseSuggestionId(id)).toBeNull();
    }
  });
});
