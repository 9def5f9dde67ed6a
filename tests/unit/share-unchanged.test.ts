import { describe, expect, it } from "vitest";
import { shareUnchanged } from "~/shared/share-unchanged";

describe("data pushed again by the server", () => {
  it("is the same object when nothing in it changed", () => {
    const shown = {
      status: "draft",
      sections: { a: { records: [{ side: "council", fresh: true }] }, b: { records: [] } },
    };
    const pushed = JSON.parse(JSON.stringify(shown)) as typeof shown;
    expect(shareUnchanged(shown, pushed)).toBe(shown);
  });

  it("keeps the unchanged parts and takes the changed ones", () => {
    const shown = {
      status: "draft",
      sections: { a: { records: [{ fresh: true }] }, b: { records: [{ fresh: true }] } },
    };
    const pushed = {
      status: "draft",
      sections: { a: { records: [{ fresh: true }] }, b: { records: [{ fresh: false }] } },
    };
    const result = shareUnchanged(shown, pushed);
    expect(result).toEqual(pushed);
    expect(result).not.toBe(shown);
    expect(result.sections.a).toBe(shown.sections.a);
    expect(result.sections.b).not.toBe(shown.sections.b);
  });

  it("notices added, removed and reordered items and keys", () => {
    const list = [{ id: "1" }, { id: "2" }];
    expect(shareUnchanged(list, [{ id: "1" }])).toEqual([{ id: "1" }]);
    expect(shareUnchanged(list, [{ id: "2" }, { id: "1" }])).toEqual([{ id: "2" }, { id: "1" }]);
    expect(shareUnchanged(list, [...list, { id: "3" }])).toHaveLength(3);
    const record: Record<string, number | null> = { a: 1, b: null };
    expect(shareUnchanged(record, { a: 1 })).toEqual({ a: 1 });
    expect(shareUnchanged(record, { a: 1, c: null })).toEqual({ a: 1, c: null });
    expect(shareUnchanged({ a: [1] } as unknown, { a: { 0: 1 } } as unknown)).toEqual({ a: { 0: 1 } });
  });
});
