import { describe, expect, it } from "vitest";
import { isCalendarDate } from "../../app/shared/deputy-input";
import { londonDate, londonDayEnd, londonDayStart } from "../../server/people/london-days.server";

const iso = (ms: number) => new Date(ms).toISOString();

describe("deputy periods are UK days", () => {
  it("a winter day runs midnight to midnight UTC; a summer day from 23:00 UTC the evening before", () => {
    expect([iso(londonDayStart("2026-12-10")), iso(londonDayEnd("2026-12-10"))]).toEqual([
      "2026-12-10T00:00:00.000Z",
      "2026-12-11T00:00:00.000Z",
    ]);
    expect([iso(londonDayStart("2026-07-01")), iso(londonDayEnd("2026-07-01"))]).toEqual([
      "2026-06-30T23:00:00.000Z",
      "2026-07-01T23:00:00.000Z",
    ]);
  });

  it("the days the clocks change are 23 and 25 hours long", () => {
    expect(londonDayEnd("2026-03-29") - londonDayStart("2026-03-29")).toBe(23 * 3_600_000);
    expect(londonDayEnd("2026-10-25") - londonDayStart("2026-10-25")).toBe(25 * 3_600_000);
  });

  it("half past eleven on a summer night in UTC is already the next day in London", () => {
    expect(londonDate(Date.parse("2026-07-01T23:30:00Z"))).toBe("2026-07-02");
    expect(londonDate(Date.parse("2026-12-10T23:30:00Z"))).toBe("2026-12-10");
  });

  it("only real calendar dates written YYYY-MM-DD are dates", () => {
    expect(["2026-02-28", "2028-02-29"].map(isCalendarDate)).toEqual([true, true]);
    expect(["2026-02-29", "2026-13-01", "12/12/2026", "2026-1-1", ""].map(isCalendarDate)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
