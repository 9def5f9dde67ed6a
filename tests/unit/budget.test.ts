import { describe, expect, it } from "vitest";
import { budgetTotals, DEFAULT_YEARS, formatPounds, parsePounds } from "../../app/shared/budget";

describe("amounts in pounds", () => {
  it.each([
    ["1234567", 123456700],
    ["£1,234,567", 123456700],
    ["1,250.5", 125050],
    [" £ 99.99 ", 9999],
    ["-300", -30000],
    ["-£12.30", -1230],
    ["0", 0],
    ["£120k", 12_000_000],
    ["£1.3m", 130_000_000],
    ["1.25M", 125_000_000],
    ["-£2.5k", -250_000],
    ["£0.5bn", 50_000_000_000],
    ["1.23456789m", 123_456_789],
  ])("%j is %d pence", (input, pence) => {
    expect(parsePounds(input)).toEqual({ ok: true, pence });
  });

  it.each(["", "abc", "12.345", "1e6", "£", "1.2.3", "--5", "10000000000000", "1.234567891m", "5km", "k", "1,5m x"])(
    "%j is refused with a message",
    (input) => {
      const result = parsePounds(input);
      expect(result.ok).toBe(false);
      expect(result.ok ? "" : result.error).toMatch(/\w/);
    },
  );

  it("formats as £1,234,567, with pence only when there are some", () => {
    expect(formatPounds(123456700)).toBe("£1,234,567");
    expect(formatPounds(125050)).toBe("£1,250.50");
    expect(formatPounds(-30000)).toBe("-£300");
    expect(formatPounds(0)).toBe("£0");
  });
});

describe("budget totals", () => {
  it("an empty budget totals zero over the default years", () => {
    const totals = budgetTotals({});
    expect(totals.years).toEqual([...DEFAULT_YEARS]);
    expect(totals.total).toBe(0);
    expect(totals.byTreatment).toEqual([]);
    expect(Object.values(totals.byYear)).toEqual([0, 0, 0]);
  });

  it("adds up by year, by treatment and by organisation, keeping out-of-scope out of the single budget", () => {
    const totals = budgetTotals({
      years: ["2012-13", "2013-14"],
      rows: [
        { organisation: "Swindon BC", treatment: "pooled", amounts: { "2012-13": 100_00, "2013-14": 200_00 } },
        { organisation: "DWP", treatment: "aligned", amounts: { "2012-13": 50_00 } },
        { organisation: "Swindon BC", treatment: "out-of-scope", amounts: { "2013-14": 1_000_00 } },
        { organisation: "Wiltshire Police", treatment: "in-kind", rowType: "asset", amounts: { "2012-13": 25_00 } },
      ],
    });
    expect(totals.byYear).toEqual({ "2012-13": 175_00, "2013-14": 1_200_00 });
    expect(totals.total).toBe(1_375_00);
    expect(totals.inScope).toBe(375_00);
    expect(totals.byTreatment.map((t) => [t.label, t.total])).toEqual([
      ["Pooled", 300_00],
      ["Aligned", 50_00],
      ["In kind", 25_00],
      ["Out of scope", 1_000_00],
    ]);
    expect(totals.byOrganisation.map((o) => [o.label, o.perYear])).toEqual([
      ["DWP", { "2012-13": 50_00, "2013-14": 0 }],
      ["Swindon BC", { "2012-13": 100_00, "2013-14": 1_200_00 }],
      ["Wiltshire Police", { "2012-13": 25_00, "2013-14": 0 }],
    ]);
  });

  it("counts negative amounts (savings, clawback) and ignores years no longer in the budget and junk values", () => {
    const totals = budgetTotals({
      years: ["2013-14"],
      rows: [
        { organisation: "A", treatment: "pooled", amounts: { "2013-14": -40_00, "2012-13": 999_00 } },
        { organisation: "A", treatment: "pooled", amounts: { "2013-14": 100_00 } },
        { organisation: "B", amounts: { "2013-14": "lots" } },
        { organisation: "", treatment: "mystery", amounts: { "2013-14": 1.5 } },
        { organisation: "", amounts: { "2013-14": 7_00 } },
      ],
    });
    expect(totals.total).toBe(67_00);
    expect(totals.byTreatment.map((t) => t.label)).toEqual(["Pooled", "Not yet decided"]);
    expect(totals.byOrganisation.map((o) => o.label)).toEqual(["A", "Organisation not given"]);
  });
});
