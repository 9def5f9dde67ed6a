import { describe, expect, it } from "vitest";
import { planPaste, type PasteColumn } from "../../app/shared/spreadsheet-paste";
import { BUDGET_FUNDING_FIELDS } from "../../app/shared/structured-fields";
import { byHeader, parseCsv, tableGrid, toCsv } from "../../app/shared/table-files";

const columns: PasteColumn[] = [
  ...BUDGET_FUNDING_FIELDS.map((field) => ({ field })),
  { year: "2012-13", label: "2012-13" },
];

describe("tables as CSV", () => {
  it("writes a table and reads it back to the same values, quoting commas, quotes and line breaks", () => {
    const rows = [
      {
        fields: {
          organisation: 'Swindon, "the" council',
          department: "DfE",
          treatment: "in-kind",
          notes: "two\nlines",
        },
        amounts: { "2012-13": 420_000_050 },
      },
      { fields: { organisation: "NHS Swindon", treatment: "" }, amounts: {} },
    ];
    const grid = tableGrid(columns, rows);
    expect(grid[0]).toEqual(["Organisation", "Department", "Funding line", "Treatment", "Notes", "2012-13"]);
    expect(grid[1]).toContain("In kind");
    const read = byHeader(parseCsv("\uFEFF" + toCsv(grid)), columns);
    expect(read.unknownHeaders).toEqual([]);
    expect(read.rows).toEqual(grid.slice(1));
    const { writes, problems } = planPaste(read.rows, columns, { row: 0, col: 0 });
    expect(problems).toEqual([]);
    expect(writes).toContainEqual({ row: 0, field: "organisation", value: 'Swindon, "the" council' });
    expect(writes).toContainEqual({ row: 0, field: "treatment", value: "in-kind" });
    expect(writes).toContainEqual({ row: 0, year: "2012-13", pence: 420_000_050 });
  });

  it("matches columns by header in any order and case, and names the ones the table does not have", () => {
    const read = byHeader(parseCsv("2012-13,ORGANISATION,Colour\n£5,Swindon,red\n\n"), columns);
    expect(read.unknownHeaders).toEqual(["Colour"]);
    expect(read.rows).toEqual([["Swindon", "", "", "", "", "£5"]]);
  });
});
