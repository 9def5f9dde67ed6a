import { describe, expect, it } from "vitest";
import {
  isFresh,
  planSignoffProgress,
  sectionSignoffState,
  type SignoffRecordFacts,
} from "../../app/shared/signoff-state";

const HASH = "a".repeat(64);
const OTHER = "b".repeat(64);
const local = (overrides: Partial<SignoffRecordFacts> = {}): SignoffRecordFacts => ({
  side: "local",
  contentHash: HASH,
  staleAt: null,
  ...overrides,
});
const whitehall = (overrides: Partial<SignoffRecordFacts> = {}): SignoffRecordFacts => ({
  ...local(overrides),
  side: "whitehall",
  ...overrides,
});

describe("a section's sign-off state", () => {
  it("is unsigned with no records", () => {
    expect(sectionSignoffState(["local", "whitehall"], [], HASH)).toBe("unsigned");
  });

  it("is partial while only some required sides have signed", () => {
    expect(sectionSignoffState(["local", "whitehall"], [local()], HASH)).toBe("partial");
    expect(sectionSignoffState(["local", "whitehall"], [whitehall()], HASH)).toBe("partial");
  });

  it("is signed when every required side has a fresh record", () => {
    expect(sectionSignoffState(["local", "whitehall"], [local(), whitehall()], HASH)).toBe("signed");
    expect(sectionSignoffState(["whitehall"], [whitehall()], HASH)).toBe("signed");
  });

  it("is stale when the content hash moved on since any sign-off", () => {
    expect(sectionSignoffState(["local", "whitehall"], [local(), whitehall()], OTHER)).toBe("stale");
    expect(sectionSignoffState(["local", "whitehall"], [local(), whitehall({ contentHash: OTHER })], HASH)).toBe(
      "stale",
    );
  });

  it("stays stale once marked, even when the content is edited back to what was signed", () => {
    const marked = local({ staleAt: new Date("2026-11-23T10:00:00Z") });
    expect(isFresh(marked, HASH)).toBe(false);
    expect(sectionSignoffState(["local"], [marked], HASH)).toBe("stale");
    expect(sectionSignoffState(["local"], [local({ staleAt: "2026-11-23T10:00:00.000Z" })], HASH)).toBe("stale");
  });

  it("counts only the required sides towards signed", () => {
    expect(sectionSignoffState(["local", "whitehall"], [local()], HASH)).toBe("partial");
    expect(sectionSignoffState(["local"], [local()], HASH)).toBe("signed");
  });
});

describe("the plan's progress and status", () => {
  it("is final only when every section is signed", () => {
    expect(planSignoffProgress(["signed", "signed", "signed"])).toEqual({ signed: 3, total: 3, status: "final" });
    expect(planSignoffProgress(["signed", "partial", "signed"])).toEqual({ signed: 2, total: 3, status: "draft" });
    expect(planSignoffProgress(["signed", "stale"])).toEqual({ signed: 1, total: 2, status: "draft" });
    expect(planSignoffProgress(["unsigned"])).toEqual({ signed: 0, total: 1, status: "draft" });
  });

  it("is a draft for a plan with no sections", () => {
    expect(planSignoffProgress([])).toEqual({ signed: 0, total: 0, status: "draft" });
  });
});
