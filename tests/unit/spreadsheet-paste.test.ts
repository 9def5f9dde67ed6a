import { describe, expect, it } from "vitest";
import { isCellBlock, parseTsv, planPaste, readDate, type PasteColumn } from "../../app/shared/spreadsheet-paste";
import { BUDGET_FUNDING_FIELDS, STRUCTURED_FIELDS } from "../../app/shared/structured-fields";

const budgetColumns: PasteColumn[] = [
  ...BUDGET_FUNDING_FIELDS.map((field) => ({ field })),
  { year: "2012-13", label: "2012-13" },
  { year: "2013-14", label: "2013-14" },
];

describe("pasting cells copied from a spreadsheet", () => {
  it("reads tab-separated lines, with quoted cells holding tabs, line breaks and quotes", () => {
    expect(parseTsv("a\tb\r\nc\td\n")).toEqual([
      ["a", "b"],
      ["c", "d"],
    ]);
    expect(parseTsv('"two\nlines"\t"say ""hi"""\tx')).toEqual([["two\nlines", 'say "hi"', "x"]]);
    expect(isCellBlock("just words\n")).toBe(false);
    expect(isCellBlock("a\tb")).toBe(true);
    expect(isCellBlock("a\nb")).toBe(true);
  });

  it("fills columns from the cell pasted into, parsing amounts and options, and says which cells it could not read", () => {
    const grid = parseTsv(
      "Swindon BC\tDfE\tEarly Intervention Grant\tpooled\tRing-fenced\t£4,200,000\t1,000.50\n" +
        "NHS Swindon\tDH\tPCT\tSomething\t\tlots\t\n",
    );
    const { writes, problems, rowsNeeded } = planPaste(grid, budgetColumns, { row: 3, col: 0 });
    expect(rowsNeeded).toBe(5);
    expect(writes).toContainEqual({ row: 3, field: "treatment", value: "pooled" });
    expect(writes).toContainEqual({ row: 3, year: "2012-13", pence: 420_000_000 });
    expect(writes).toContainEqual({ row: 3, year: "2013-14", pence: 100_050 });
    expect(writes).toContainEqual({ row: 4, field: "organisation", value: "NHS Swindon" });
    expect(writes).toContainEqual({ row: 4, year: "2013-14", pence: null });
    expect(problems).toEqual([
      { row: 4, column: "Treatment", text: "Something", error: expect.stringContaining("not one of Pooled") },
      { row: 4, column: "2012-13", text: "lots", error: expect.any(String) },
    ]);
  });

  it("reports values past the last column and reads British and ISO dates", () => {
    const milestones = STRUCTURED_FIELDS.milestones.map((field) => ({ field }));
    const dateCol = milestones.findIndex((column) => column.field.type === "date");
    const { writes, problems } = planPaste([["31/03/2013"], ["2013-02-30"]], milestones, { row: 0, col: dateCol });
    expect(writes).toEqual([{ row: 0, field: milestones[dateCol]!.field.name, value: "2013-03-31" }]);
    expect(problems).toHaveLength(1);
    const past = planPaste([["5", "b"]], budgetColumns, { row: 0, col: budgetColumns.length - 1 });
    expect(past.problems).toEqual([
      { row: 0, column: `column ${budgetColumns.length + 1}`, text: "b", error: "no such column" },
    ]);
    expect(readDate("1/4/13")).toBe("2013-04-01");
  });
});
