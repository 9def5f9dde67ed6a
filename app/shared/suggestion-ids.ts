import { userColor } from "./user-color";

/**
 * Suggestions in a narrative are marks in the section's document, in the format of
 * `@handlewithcare/prosemirror-suggest-changes` (decision 0034): `insertion` on words a
 * suggestion adds, `deletion` on words it would take out, `modification` on a node whose
 * attributes it would change. Each carries the suggestion's `id`, made by `newSuggestionId`,
 * which names its author and time, so no two clients make the same one and the server can
 * tell whose a mark is without trusting anything else the client says.
 */
export const SUGGESTION_MARKS = ["insertion", "deletion", "modification"] as const;
export type SuggestionMarkName = (typeof SUGGESTION_MARKS)[number];

export function isSuggestionMark(name: string): name is SuggestionMarkName {
  return (SUGGESTION_MARKS as readonly string[]).includes(name);
}

export interface SuggestionIdParts {
  authorId: string;
  createdAt: Date;
}

/** `<authorId>:<milliseconds since 1970, base 36>:<random>`. */
export function newSuggestionId(authorId: string, now = Date.now()): string {
  const random = Array.from(crypto.getRandomValues(new Uint8Array(8)), (byte) =>
    byte.toString(16).padStart(2, "0"),
  ).join("");
  return `${authorId}:${now.toString(36)}:${random}`;
}

/** The author and time an id names, or null for one not made by `newSuggestionId`. */
export function parseSuggestionId(id: unknown): SuggestionIdParts | null {
  if (typeof id !== "string" || id.length > 200) return null;
  const parts = id.split(":");
  if (parts.length !== 3) return null;
  const [authorId, time, random] = parts as [string, string, string];
  if (authorId === "" || !/^[0-9a-z]{1,11}$/.test(time) || !/^[0-9a-f]{16}$/.test(random)) return null;
  const createdAt = new Date(parseInt(time, 36));
  return Number.isNaN(createdAt.getTime()) ? null : { authorId, createdAt };
}

const KIND_WORDS: Record<SuggestionMarkName, string> = {
  insertion: "Suggested insertion",
  deletion: "Suggested deletion",
  modification: "Suggested change",
};

/** "6 Dec 2026, 07:12 UTC": the same on the server's first paint and in every browser. */
export function suggestionTime(date: Date): string {
  const month = date.toLocaleString("en-GB", { month: "short", timeZone: "UTC" });
  const time = date.toISOString().slice(11, 16);
  return `${date.getUTCDate()} ${month} ${date.getUTCFullYear()}, ${time} UTC`;
}

/** What a suggestion says of itself when hovered or focused: "Suggested insertion by Ann Lee, 6 Dec…". */
export function suggestionLabel(kind: SuggestionMarkName, id: unknown, authorName?: string): string {
  const parts = parseSuggestionId(id);
  if (!parts) return KIND_WORDS[kind];
  return `${KIND_WORDS[kind]}${authorName ? ` by ${authorName}` : ""}, ${suggestionTime(parts.createdAt)}`;
}

/**
 * The id, and, drawn from it, the author's colour (their caret's) and a title with the time; the
 * editor and the reading copy add the author's name (see suggestion-authors).
 */
export function suggestionIdAttributes(kind: SuggestionMarkName, id: unknown): Record<string, string> {
  const parts = parseSuggestionId(id);
  if (typeof id !== "string") return {};
  return {
    "data-suggestion-id": id,
    class: "suggestion",
    ...(parts
      ? {
          "data-suggestion-author": parts.authorId,
          style: `--suggestion-colour: ${userColor(parts.authorId)}`,
          title: suggestionLabel(kind, id),
        }
      : {}),
  };
}
