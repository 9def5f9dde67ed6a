import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { budgetTotals, type BudgetData } from "../../app/shared/budget";
import { sectionDataName } from "../../app/shared/doc-names";
import { addRow, setAmount } from "../../app/shared/section-rows";
import type { PasteColumn } from "../../app/shared/spreadsheet-paste";
import { BUDGET_FUNDING_FIELDS } from "../../app/shared/structured-fields";
import { toCsv } from "../../app/shared/csv";
import { byHeader, downloadGrid, parseCsv, type TableRowValues } from "../../app/shared/table-files";
import { applyImport } from "../../app/shared/table-import-apply";
import { keyFieldsOf } from "../../app/shared/table-keys";
import {
  importOperations,
  importTotals,
  matchImport,
  type ExistingRow,
  type ImportMode,
} from "../../app/shared/table-import";

const columns: PasteColumn[] = [
  ...BUDGET_FUNDING_FIELDS.map((field) => ({ field })),
  { year: "2012-13", label: "2012-13" },
];
const keys = keyFieldsOf("budget", "funding");

function budget(): Y.Doc {
  const doc = new Y.Doc();
  const a = addRow(doc, "budget", "budget", {
    organisation: "DCLG",
    fundingLine: "Formula grant",
    treatment: "pooled",
  });
  const b = addRow(doc, "budget", "budget", { organisation: "DfE", fundingLine: "Early Intervention Grant" });
  setAmount(doc, "budget", a, "2012-13", 100_000_00);
  setAmount(doc, "budget", b, "2012-13", 25_000_00);
  return doc;
}

function existingRows(doc: Y.Doc): ExistingRow[] {
  const rows = (doc.getMap(sectionDataName("budget")).toJSON().rows ?? []) as Record<string, unknown>[];
  return rows.map((row) => ({
    id: String(row.id),
    values: { fields: row, amounts: row.amounts as Record<string, unknown> } satisfies TableRowValues,
  }));
}

function total(doc: Y.Doc): number {
  return budgetTotals(doc.getMap(sectionDataName("budget")).toJSON() as BudgetData).total;
}

function importCsv(doc: Y.Doc, csv: string, mode: ImportMode) {
  const existing = existingRows(doc);
  const { unknownHeaders: _unknown, ...file } = byHeader(parseCsv(csv), columns);
  const match = matchImport(file, existing, columns, keys);
  const operations = importOperations(
    file,
    match,
    mode,
    existing.map((row) => row.id),
    columns,
  );
  const totals = importTotals(existing, operations, columns);
  applyImport(doc, "budget", "budget", { rowType: "funding" }, operations);
  return { match, operations, totals };
}

const download = (doc: Y.Doc) =>
  toCsv(
    downloadGrid(
      columns,
      existingRows(doc).map((row) => row.values),
    ),
  );

describe("importing a table file into a table that has rows", () => {
  it("updates the rows a download came from, so three round trips leave the money as it was", () => {
    const doc = budget();
    const before = total(doc);
    for (let trip = 0; trip < 3; trip++) {
      const { operations, totals } = importCsv(doc, download(doc), "merge");
      expect(operations.updates).toHaveLength(2);
      expect(operations.adds).toHaveLength(0);
      expect(totals).toEqual({ before, after: before });
    }
    expect(existingRows(doc)).toHaveLength(2);
    expect(total(doc)).toBe(before);
  });

  it("matches rows by their key columns when the file has no row ids, and adds the rest", () => {
    const doc = budget();
    const csv = "Organisation,Funding line,2012-13\ndclg, formula  grant,£150000\nDWP,Troubled families,£10\n";
    const { operations, totals } = importCsv(doc, csv, "merge");
    expect(operations.updates).toHaveLength(1);
    expect(operations.adds).toHaveLength(1);
    expect(totals).toEqual({ before: 125_000_00, after: 175_010_00 });
    expect(total(doc)).toBe(175_010_00);
    const dclg = existingRows(doc).find((row) => row.values.fields.organisation === "dclg")!;
    expect(dclg.values.fields.treatment).toBe("pooled");
    expect(dclg.values.amounts?.["2012-13"]).toBe(150_000_00);
  });

  it("replace deletes every row first; add keeps them and adds the file's", () => {
    const replaced = budget();
    const { operations } = importCsv(replaced, download(replaced), "replace");
    expect(operations.deletes).toHaveLength(2);
    expect(existingRows(replaced)).toHaveLength(2);
    expect(total(replaced)).toBe(125_000_00);

    const added = budget();
    const result = importCsv(added, download(added), "add");
    expect(result.totals).toEqual({ before: 125_000_00, after: 250_000_00 });
    expect(existingRows(added)).toHaveLength(4);
  });

  it("names a file row that repeats an earlier one, and a merge leaves it out", () => {
    const doc = budget();
    const csv = "Organisation,Funding line,2012-13\nDfE,Early Intervention Grant,£1\nDfE,Early intervention grant,£2\n";
    const { match, operations } = importCsv(doc, csv, "merge");
    expect(match.duplicates).toEqual([{ fileRow: 1, firstFileRow: 0, name: "DfE, Early intervention grant" }]);
    expect(operations.updates).toEqual([
      { rowId: expect.any(String), writes: expect.arrayContaining([{ row: 0, year: "2012-13", pence: 100 }]) },
    ]);
  });

  it("a merge leaves alone the columns the file does not have", () => {
    const doc = budget();
    importCsv(doc, "Organisation,Funding line,Notes\nDCLG,Formula grant,checked\n", "merge");
    const dclg = existingRows(doc).find((row) => row.values.fields.organisation === "DCLG")!;
    expect(dclg.values.fields.notes).toBe("checked");
    expect(dclg.values.amounts?.["2012-13"]).toBe(100_000_00);
  });
});
