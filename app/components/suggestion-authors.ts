import { createContext } from "react";

/** The plan's members by id: a suggestion's id names its author, the page gives the name. */
export type AuthorNames = Readonly<Record<string, string>>;

export const SuggestionAuthors = createContext<AuthorNames>({});
