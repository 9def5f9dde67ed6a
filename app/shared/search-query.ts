/**
 * What a person types in a search box, read as words and quoted phrases. Shared by the server,
 * which builds the FTS5 query from it, and the plan page, which highlights the same words.
 * Everything else (operators, `*`, parentheses, `NEAR`, `:`) is read as plain text, so no
 * input can reach FTS5 as syntax.
 */
export const MAX_QUERY_LENGTH = 200;
export const MAX_QUERY_TERMS = 12;

export interface SearchTerm {
  /** One word, or the words of a quoted phrase in order. */
  words: string[];
  /** The last word typed with nothing after it also matches longer words ("budg" finds "budget"). */
  prefix: boolean;
}

const WORD = /[\p{L}\p{N}]+/gu;

function wordsOf(text: string): string[] {
  return (text.match(WORD) ?? []).map((word) => word.toLowerCase());
}

/** The terms of a query, or a reason it cannot be searched for. */
export function parseSearchQuery(query: string): { terms: SearchTerm[] } | { error: string } {
  if (query.length > MAX_QUERY_LENGTH) return { error: `q: at most ${MAX_QUERY_LENGTH} characters` };
  const terms: SearchTerm[] = [];
  // Only a closed pair of quotes makes a phrase; a lone quote is punctuation like any other.
  const parts = query.split(/"([^"]*)"/);
  parts.forEach((part, index) => {
    const isPhrase = index % 2 === 1;
    const words = wordsOf(part);
    if (isPhrase) {
      if (words.length > 0) terms.push({ words, prefix: false });
    } else {
      for (const word of words) terms.push({ words: [word], prefix: false });
    }
  });
  if (terms.length === 0) return { error: "q: type at least one word to search for" };
  if (terms.length > MAX_QUERY_TERMS) return { error: `q: at most ${MAX_QUERY_TERMS} words` };
  const last = terms.at(-1)!;
  if (last.words.length === 1 && /[\p{L}\p{N}]$/u.test(query)) last.prefix = true;
  return { terms };
}

/**
 * The FTS5 MATCH expression: every term must appear. Each word is a double-quoted FTS5 string
 * of letters and digits only, so the expression is always valid.
 */
export function ftsMatchExpression(terms: readonly SearchTerm[]): string {
  return terms.map((term) => `"${term.words.join(" ")}"${term.prefix ? "*" : ""}`).join(" ");
}

/** Every word to highlight, lowercase (phrases contribute each of their words). */
export function highlightWords(terms: readonly SearchTerm[]): string[] {
  return [...new Set(terms.flatMap((term) => term.words))];
}

/**
 * Where the words occur in `text`, as [start, end) offsets in order: each word matches at the
 * start of a word, in any case, and may run on ("budget" marks the start of "budgets"), close
 * to how search's stemming finds them.
 */
export function wordMatches(text: string, words: readonly string[]): [number, number][] {
  if (words.length === 0) return [];
  const alternatives = [...words]
    .sort((a, b) => b.length - a.length)
    .map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("|");
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives})`, "giu");
  return [...text.matchAll(pattern)].map((match) => [match.index, match.index + match[0].length]);
}

/**
 * Where the words occur together, in order, as a phrase (spaces or punctuation between them,
 * the last word may run on): what a person typing "front door" into find means.
 */
export function phraseMatches(text: string, words: readonly string[]): [number, number][] {
  if (words.length === 0) return [];
  const escaped = words.map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${escaped.join("[^\\p{L}\\p{N}]+")}`, "giu");
  return [...text.matchAll(pattern)].map((match) => [match.index, match.index + match[0].length]);
}
