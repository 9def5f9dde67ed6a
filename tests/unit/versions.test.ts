import { describe, expect, it } from "vitest";
import type { PmNode } from "../../server/plans/plan-content.server";
import { comparePlans, compareRows, compareText } from "../../server/versions/compare.server";
import type { PlanContent } from "../../server/versions/version-content.server";
import { versionsToThin } from "../../server/versions/retention.server";

const HOUR = 3_600_000;
const NOW = new Date("2026-06-01T12:00:00Z");
const at = (hoursAgo: number) => new Date(NOW.getTime() - hoursAgo * HOUR);

const doc = (...paragraphs: PmNode["content"][]): PmNode => ({
  type: "doc",
  content: paragraphs.map((content) => ({ type: "paragraph", content })),
});

describe("version retention", () => {
  it("keeps every automatic version of the last day, the newest per hour for a month, then per day", () => {
    const versions = [
      { id: 1, kind: "auto", createdAt: at(0.1) },
      { id: 2, kind: "auto", createdAt: at(0.2) },
      { id: 3, kind: "auto", createdAt: new Date(at(30).getTime() - 10 * 60_000) },
      { id: 4, kind: "auto", createdAt: new Date(at(30).getTime() - 20 * 60_000) },
      { id: 5, kind: "named", createdAt: new Date(at(30).getTime() - 30 * 60_000) },
      { id: 6, kind: "auto", createdAt: at(24 * 40) },
      { id: 7, kind: "auto", createdAt: new Date(at(24 * 40).getTime() - HOUR) },
      { id: 8, kind: "signoff", createdAt: at(24 * 400) },
    ];
    // 05:50 and 05:40 two days ago share an hour; 12:00 and 11:00 forty days ago share a day.
    expect(versionsToThin(versions, NOW).sort()).toEqual([4, 7]);
  });
});

describe("comparing rich text", () => {
  it("shows added and removed words, and words whose formatting changed", () => {
    const before = doc([{ type: "text", text: "The board meets monthly." }]);
    const after = doc([
      { type: "text", text: "The " },
      { type: "text", text: "board", marks: [{ type: "bold" }] },
      { type: "text", text: " meets weekly." },
    ]);
    expect(compareText(before, after)).toEqual([
      { kind: "same", text: "The " },
      { kind: "same", text: "board", marks: { from: [], to: ["bold"] } },
      { kind: "same", text: " meets " },
      { kind: "removed", text: "monthly" },
      { kind: "added", text: "weekly" },
      { kind: "same", text: "." },
    ]);
  });

  it("keeps paragraphs apart with a line break", () => {
    const changes = compareText(
      doc([{ type: "text", text: "One." }]),
      doc([{ type: "text", text: "One." }], [{ type: "text", text: "Two." }]),
    );
    expect(changes).toEqual([
      { kind: "same", text: "One." },
      { kind: "added", text: "\nTwo." },
    ]);
  });
});

describe("comparing a narrative's table", () => {
  it("keeps each row on one line, its cells divided, rather than a line per cell", () => {
    const cell = (type: string, text: string): PmNode => ({
      type,
      content: [{ type: "paragraph", content: text ? [{ type: "text", text }] : [] }],
    });
    const table = (rows: [string, string][]): PmNode => ({
      type: "doc",
      content: [
        { type: "paragraph", content: [{ type: "text", text: "Cohorts:" }] },
        {
          type: "table",
          content: rows.map(([a, b], index) => ({
            type: "tableRow",
            content: [
              cell(index === 0 ? "tableHeader" : "tableCell", a),
              cell(index === 0 ? "tableHeader" : "tableCell", b),
            ],
          })),
        },
      ],
    });
    const before = table([
      ["Cohort", "Families"],
      ["Troubled families", ""],
    ]);
    const after = table([
      ["Cohort", "Families"],
      ["Troubled families", "620"],
    ]);
    expect(compareText(before, after)).toEqual([
      { kind: "same", text: "Cohorts:\nCohort | Families\nTroubled families | " },
      { kind: "added", text: "620" },
    ]);
  });
});

describe("comparing a rewritten paragraph", () => {
  it("shows a paragraph most of whose words changed as removed, then added, and leaves the others word by word", () => {
    const before = doc(
      [{ type: "text", text: "Pasted from Word by the team last week." }],
      [{ type: "text", text: "The board meets monthly." }],
    );
    const after = doc(
      [{ type: "text", text: "Tom replaced this with new wording today." }],
      [{ type: "text", text: "The board meets weekly." }],
    );
    expect(compareText(before, after)).toEqual([
      { kind: "removed", text: "Pasted from Word by the team last week." },
      { kind: "added", text: "Tom replaced this with new wording today." },
      { kind: "same", text: "\nThe board meets " },
      { kind: "removed", text: "monthly" },
      { kind: "added", text: "weekly" },
      { kind: "same", text: "." },
    ]);
  });
});

describe("comparing a rewritten section", () => {
  it("shows it replaced whole once the word diff would pass its bound", () => {
    const words = (prefix: string) => Array.from({ length: 6000 }, (_, n) => `${prefix}${n}`).join(" ");
    const changes = compareText(doc([{ type: "text", text: words("a") }]), doc([{ type: "text", text: words("b") }]));
    expect(changes).toEqual([
      { kind: "removed", text: words("a") },
      { kind: "added", text: words("b") },
    ]);
  });
});

describe("comparing many rewritten sections (issue 26, case 8)", () => {
  it("shares one budget across the sections: once it is spent, the sections left show as replaced", () => {
    // Each diff alone stays within its own bounds; 14 of them took 1.6 s with a budget per section.
    const words = (prefix: string) => Array.from({ length: 3000 }, (_, n) => `${prefix}${n % 7} w${n}`).join(" ");
    const keys = Array.from({ length: 14 }, (_, n) => `s${n}`);
    const content = (prefix: string): PlanContent => ({
      contentHash: prefix,
      sections: Object.fromEntries(
        keys.map((key) => [
          key,
          {
            richText: doc([{ type: "text", text: words(prefix) }]),
            text: words(prefix),
            data: {},
            contentHash: prefix,
          },
        ]),
      ),
    });
    const sections = keys.map((key) => ({ key, title: key, kind: "text" as const }));
    const spent = comparePlans(sections, content("a"), content("b"), 0);
    for (const section of spent.sections) {
      expect(section.text.map((change) => change.kind)).toEqual(["removed", "added"]);
    }
  });
});

describe("comparing rows", () => {
  it("matches rows by id and lists each changed cell, budget amounts by year", () => {
    const result = compareRows(
      [
        { id: "a", organisation: "Swindon", amounts: { "2012-13": 100 } },
        { id: "b", organisation: "DWP" },
      ],
      [
        { id: "a", organisation: "Swindon BC", amounts: { "2012-13": 150, "2013-14": 20 } },
        { id: "c", organisation: "Police" },
      ],
    );
    expect(result).toEqual({
      added: [{ id: "c", organisation: "Police" }],
      removed: [{ id: "b", organisation: "DWP" }],
      changed: [
        { id: "a", row: "Swindon BC", field: "organisation", from: "Swindon", to: "Swindon BC" },
        { id: "a", row: "Swindon BC", field: "amounts.2012-13", from: 100, to: 150 },
        { id: "a", row: "Swindon BC", field: "amounts.2013-14", from: null, to: 20 },
      ],
    });
  });
});
