import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { sectionFragmentName } from "../../app/shared/doc-names";
import { addRow, setAmount, yearsOf } from "../../app/shared/section-rows";
import { inPlanOrder, suggestionPlaces, type PlaceableSuggestion } from "../../app/shared/suggestion-places";
import { changeExcerpt, excerpt } from "../../app/shared/suggestion-words";

const SECTIONS = [
  { key: "budget", title: "Shadow budget", kind: "budget" as const },
  { key: "words", title: "Customer insight", kind: "text" as const },
];

/** A budget of two funding lines and an asset, and a narrative with two suggestions in it. */
function plan() {
  const doc = new Y.Doc();
  const year = yearsOf(doc, "budget").get(0);
  const first = addRow(doc, "budget", "budget", { organisation: "Swindon Borough Council" });
  const asset = addRow(doc, "budget", "budget", { rowType: "asset", organisation: "NHS Swindon" });
  const second = addRow(doc, "budget", "budget", { organisation: "Jobcentre Plus" });
  setAmount(doc, "budget", first, year, 100);
  const paragraph = new Y.XmlElement("paragraph");
  const text = new Y.XmlText();
  paragraph.insert(0, [text]);
  doc.getXmlFragment(sectionFragmentName("words")).insert(0, [paragraph]);
  text.insert(0, "We fund twelve families, fragmented.");
  text.format(8, 6, { deletion: { id: "early" } });
  text.format(25, 10, { deletion: { id: "late" } });
  return { doc, year, first, asset, second };
}

describe("suggestions in the plan's order", () => {
  it("puts sections in order, a narrative's by position, and a table's by table, row and column, named as the page reads them", () => {
    const { doc, year, first, asset, second } = plan();
    const cell = (id: string, rowId: string, field: string): PlaceableSuggestion => ({
      id,
      sectionKey: "budget",
      kind: "cell",
      rowId,
      field,
    });
    const text = (id: string): PlaceableSuggestion => ({
      id,
      sectionKey: "words",
      kind: "text",
      rowId: null,
      field: null,
    });
    // Newest first, as the API lists them.
    const listed = [
      text("early"),
      text("late"),
      cell("asset", asset, "organisation"),
      cell("second-notes", second, "notes"),
      cell("first-amount", first, `amounts.${year}`),
      cell("first-name", first, "organisation"),
      cell("gone", "no-such-row", "notes"),
    ];
    const places = suggestionPlaces(doc, SECTIONS, listed);
    expect(inPlanOrder(listed, places).map((suggestion) => suggestion.id)).toEqual([
      "first-name",
      "first-amount",
      "second-notes",
      "asset",
      "gone",
      "early",
      "late",
    ]);
    expect(places.get("first-amount")?.cellName).toBe(
      `Funding lines, row 1 (“Swindon Borough Council”), ${year} amount`,
    );
    expect(places.get("second-notes")?.cellName).toBe("Funding lines, row 2 (“Jobcentre Plus”), Notes");
    expect(places.get("asset")?.cellName).toBe("Assets, row 1 (“NHS Swindon”), Organisation");
    expect(places.get("gone")?.cellName).toBe("Notes");
  });

  it("without the document, orders by section alone and names a cell by its column", () => {
    const listed: PlaceableSuggestion[] = [
      { id: "words", sectionKey: "words", kind: "text", rowId: null, field: null },
      { id: "cell", sectionKey: "budget", kind: "cell", rowId: "r", field: "fundingLine" },
    ];
    const places = suggestionPlaces(undefined, SECTIONS, listed);
    expect(inPlanOrder(listed, places).map((suggestion) => suggestion.id)).toEqual(["cell", "words"]);
    expect(places.get("cell")?.cellName).toBe("Funding line");
  });
});

describe("a suggestion's words in a notice or a button's name", () => {
  it("says what is put in for what is taken out, or a cell's old and new values, cut at a word's end", () => {
    const change = { kind: "text" as const, from: null, to: null };
    expect(changeExcerpt({ ...change, removed: "twelve", added: "fourteen" })).toBe("“fourteen” for “twelve”");
    expect(changeExcerpt({ ...change, removed: "fragmented", added: "" })).toBe("remove “fragmented”");
    expect(changeExcerpt({ ...change, removed: "twelve", added: "twelve" })).toBe("reformat “twelve”");
    expect(changeExcerpt({ ...change, removed: null, added: " and carers" })).toBe("add “and carers”");
    expect(changeExcerpt({ kind: "cell", removed: null, added: null, from: 100_000, to: 250_050 })).toBe(
      "£1,000 → £2,500.50",
    );
    expect(changeExcerpt({ kind: "cell", removed: null, added: null, from: "", to: "Pooled" })).toBe("empty → Pooled");
    expect(excerpt("one two three four five", 12)).toBe("one two…");
    expect(excerpt("  spaced\n\nout  ", 60)).toBe("spaced out");
    expect(excerpt("x".repeat(80), 10)).toBe(`${"x".repeat(9)}…`);
  });
});
