import { describe, expect, it } from "vitest";
import type { PortfolioRow } from "../../app/shared/portfolio";
import { portfolioCsv } from "../../app/shared/portfolio-csv";

const row = (overrides: Partial<PortfolioRow> = {}): PortfolioRow => ({
  id: "p1",
  title: "Swindon plan",
  area: "Swindon",
  templateId: "t",
  templateTitle: "Single budget",
  status: "draft",
  sides: { local: { signed: 1, total: 10 }, whitehall: { signed: 0, total: 9 } },
  stale: 2,
  openComments: 3,
  overdueMilestones: 4,
  returned: 1,
  overdueSignoffs: 5,
  openSuggestions: 6,
  updatedAt: "2026-11-26T10:00:00.000Z",
  ...overrides,
});

describe("the portfolio as CSV", () => {
  it("has a header and one line per plan with every figure", () => {
    const lines = portfolioCsv([row()]).split("\r\n");
    expect(lines[0]).toMatch(/^Plan,Area,Template,Status,Local signed/);
    expect(lines[1]).toBe("Swindon plan,Swindon,Single budget,draft,1,10,0,9,2,3,4,1,5,6,2026-11-26T10:00:00.000Z");
    expect(lines[2]).toBe("");
  });

  it("quotes commas, quotes and line breaks, and defuses formulas", () => {
    const [, line] = portfolioCsv([row({ title: 'Say "hi", all', area: "=HYPERLINK(1)" })]).split("\r\n");
    expect(line).toMatch(/^"Say ""hi"", all",'=HYPERLINK\(1\),/);
  });
});
