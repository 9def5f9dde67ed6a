import { describe, expect, it } from "vitest";
import { auditCsv } from "../../server/plans/audit.server";

const entry = (name: string, detail: Record<string, unknown> | null) => ({
  id: 7,
  type: "version.named",
  at: new Date("2026-11-26T10:00:00Z"),
  actor: { id: "u1", name, email: "a@example.org" },
  detail,
  prevHash: "0".repeat(64),
  hash: "ab".repeat(32),
});

describe("the audit log as CSV", () => {
  it("quotes commas, quotes and line breaks, and defuses cells a spreadsheet would run as formulas", () => {
    const csv = auditCsv([entry("=HYPERLINK(1)", { name: 'A, "b"\nc' }), entry("Tom", null)]);
    expect(csv.split("\r\n")).toEqual([
      "id,at,type,actor,email,detail,prevHash,hash",
      `7,2026-11-26T10:00:00.000Z,version.named,'=HYPERLINK(1),a@example.org,"{""name"":""A, \\""b\\""\\nc""}",${"0".repeat(64)},${"ab".repeat(32)}`,
      `7,2026-11-26T10:00:00.000Z,version.named,Tom,a@example.org,,${"0".repeat(64)},${"ab".repeat(32)}`,
      "",
    ]);
  });
});
