import { describe, expect, it } from "vitest";
import {
  ftsMatchExpression,
  highlightWords,
  parseSearchQuery,
  phraseMatches,
  wordMatches,
} from "../../app/shared/search-query";

const parse = (query: string) => {
  const parsed = parseSearchQuery(query);
  if ("error" in parsed) throw new Error(parsed.error);
  return parsed.terms;
};

describe("reading a search query", () => {
  it("quotes every word and lets the last typed word match longer ones", () => {
    expect(ftsMatchExpression(parse("Shadow budg"))).toBe('"shadow" "budg"*');
  });

  it("keeps a closed pair of quotes as a phrase and reads a lone quote as punctuation", () => {
    expect(ftsMatchExpression(parse('"board meets" monthly '))).toBe('"board meets" "monthly"');
    expect(ftsMatchExpression(parse('"board meets'))).toBe('"board" "meets"*');
  });

  it("reads FTS5 operators and syntax as plain words", () => {
    expect(ftsMatchExpression(parse("NEAR(board monthly, 2)"))).toBe('"near" "board" "monthly" "2"');
    expect(ftsMatchExpression(parse("title:board* AND -x"))).toBe('"title" "board" "and" "x"*');
  });

  it("refuses a query with no words, too many or too long", () => {
    expect(parseSearchQuery("*()\"'")).toEqual({ error: expect.stringContaining("at least one word") });
    expect(parseSearchQuery(Array.from({ length: 13 }, (_, i) => `w${i}`).join(" "))).toEqual({
      error: expect.stringContaining("at most 12 words"),
    });
    expect(parseSearchQuery("a".repeat(201))).toEqual({ error: expect.stringContaining("at most 200 characters") });
  });

  it("reads letters of every script and gives the words to highlight once each", () => {
    expect(highlightWords(parse('Café "café ŁÓDŹ" 2012'))).toEqual(["café", "łódź", "2012"]);
  });
});

describe("finding the words in a text", () => {
  it("matches at word starts, in any case, longest word first", () => {
    expect(wordMatches("Budgets and the budget; rebudget", ["budget"])).toEqual([
      [0, 6],
      [16, 22],
    ]);
    expect(wordMatches("Shadow budget", ["shadow", "sha"])).toEqual([[0, 6]]);
  });

  it("treats the words as text, not patterns", () => {
    expect(wordMatches("a (b) cxx", ["c.*"])).toEqual([]);
    expect(wordMatches("a (b) c.*", ["c.*"])).toEqual([[6, 9]]);
    expect(wordMatches("anything", [])).toEqual([]);
  });
});

describe("phrases in find", () => {
  it("finds the words together and in order, once per place they occur", () => {
    const text = "The front door, the front  doors and the door at the front.";
    expect(phraseMatches(text, ["front", "door"]).map(([a, b]) => text.slice(a, b))).toEqual([
      "front door",
      "front  door",
    ]);
    expect(phraseMatches(text, [])).toEqual([]);
  });
});
