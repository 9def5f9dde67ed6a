import { describe, expect, it } from "vitest";
import { sectionIsEmpty } from "../../app/shared/section-empty";

const doc = (...paragraphs: string[]) => ({
  type: "doc",
  content: paragraphs.map((text) => ({ type: "paragraph", content: text ? [{ type: "text", text }] : [] })),
});
const noWords = doc();

describe("what counts as nothing written, for the sign-off", () => {
  it("a narrative is empty without words: no paragraphs, empty ones, white space, a rule", () => {
    expect(sectionIsEmpty("text", { richText: { type: "doc" } })).toBe(true);
    expect(sectionIsEmpty("text", { richText: doc("", "") })).toBe(true);
    expect(sectionIsEmpty("text", { richText: doc("   \n\t") })).toBe(true);
    expect(sectionIsEmpty("text", { richText: { type: "doc", content: [{ type: "horizontalRule" }] } })).toBe(true);
    expect(sectionIsEmpty("text", { richText: doc("", "The board meets.") })).toBe(false);
    const nested = {
      type: "doc",
      content: [{ type: "bulletList", content: [{ type: "listItem", content: [doc("Deep words").content[0]] }] }],
    };
    expect(sectionIsEmpty("text", { richText: nested })).toBe(false);
  });

  it("a table is empty with no rows or only rows with nothing in their cells", () => {
    expect(sectionIsEmpty("milestones", { richText: noWords })).toBe(true);
    expect(sectionIsEmpty("milestones", { richText: noWords, data: { rows: [] } })).toBe(true);
    const blank = { rows: [{ id: "a", milestone: "", owner: " " }, { id: "b" }] };
    expect(sectionIsEmpty("milestones", { richText: noWords, data: blank })).toBe(true);
    const written = { rows: [{ id: "a", milestone: "", owner: "Tom" }] };
    expect(sectionIsEmpty("milestones", { richText: noWords, data: written })).toBe(false);
    expect(sectionIsEmpty("outcomes", { richText: noWords, data: { rows: [{ id: "a", scope: "local" }] } })).toBe(
      false,
    );
    expect(sectionIsEmpty("register", { richText: doc("Why we ask."), data: blank })).toBe(false);
  });

  it("a budget is empty without amounts or assets: funding lines named but given no money commit nothing", () => {
    const named = { rows: [{ id: "a", rowType: "funding", fundingLine: "Formula grant", amounts: {} }] };
    expect(sectionIsEmpty("budget", { richText: noWords, data: { years: ["2012-13"], rows: [] } })).toBe(true);
    expect(sectionIsEmpty("budget", { richText: noWords, data: named })).toBe(true);
    const funded = { rows: [{ id: "a", rowType: "funding", amounts: { "2012-13": 0 } }] };
    expect(sectionIsEmpty("budget", { richText: noWords, data: funded })).toBe(false);
    const unreadable = { rows: [{ id: "a", rowType: "funding", amounts: { "2012-13": "NaN" } }] };
    expect(sectionIsEmpty("budget", { richText: noWords, data: unreadable })).toBe(false);
    const asset = { rows: [{ id: "a", rowType: "asset", description: "Civic offices", amounts: {} }] };
    expect(sectionIsEmpty("budget", { richText: noWords, data: asset })).toBe(false);
    const blankAsset = { rows: [{ id: "a", rowType: "asset", description: "" }] };
    expect(sectionIsEmpty("budget", { richText: noWords, data: blankAsset })).toBe(true);
    expect(sectionIsEmpty("budget", { richText: doc("Figures to follow."), data: named })).toBe(false);
  });
});
