import { describe, expect, it } from "vitest";
import { planPaste, type PasteColumn } from "../../app/shared/spreadsheet-paste";
import { BUDGET_FUNDING_FIELDS } from "../../app/shared/structured-fields";
import { toCsv } from "../../app/shared/csv";
import { byHeader, downloadGrid, parseCsv, tableGrid } from "../../app/shared/table-files";

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
    expect(read.present.every(Boolean)).toBe(true);
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
    expect(read.present).toEqual([true, false, false, false, false, true]);
    expect(read.ids).toEqual([null]);
  });

  it("a download ends with each row's id, which a file read back gives again", () => {
    const rows = [{ fields: { id: "r1", organisation: "DCLG" }, amounts: {} }];
    const grid = downloadGrid(columns, rows);
    expect(grid[0]!.at(-1)).toBe("Row ID");
    const read = byHeader(parseCsv(toCsv(grid)), columns);
    expect(read.ids).toEqual(["r1"]);
    expect(read.unknownHeaders).toEqual([]);
  });

  it("defuses cells a spreadsheet would run as formulas, and reads its own download back unchanged", () => {
    const hostile = [
      '=HYPERLINK("http://evil.example","x")',
      "+1+cmd|' /C calc'!A0",
      "-2+3",
      "@SUM(A1)",
      "\tTab",
      "\rReturn",
    ];
    const rows = hostile.map((notes) => ({ fields: { organisation: "Swindon", notes }, amounts: { "2012-13": -500 } }));
    const grid = tableGrid(columns, rows);
    const csv = toCsv(grid);
    const cells = parseTsvCells(csv);
    for (const row of cells.slice(1)) {
      for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    }
    const read = byHeader(parseCsv(csv), columns);
    expect(read.rows).toEqual(grid.slice(1));
    expect(read.rows.map((row) => row[4])).toEqual(hostile);
  });
});

/** The file's cells as a spreadsheet sees them: split and unquoted, nothing taken off. */
function parseTsvCells(csv: string): string[][] {
  return csv
    .trimEnd()
    .split("\r\n")
    .map((line) =>
      (line.match(/("([^"]|"")*"|[^,]*)(,|$)/g) ?? []).map((cell) =>
        cell
          .replace(/,$/, "")
          .replace(/^"([\s\S]*)"$/, "$1")
          .replace(/""/g, '"'),
      ),
    );
}
