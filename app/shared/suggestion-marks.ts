import { Mark } from "@tiptap/core";
import { suggestionIdAttributes, type SuggestionMarkName } from "./suggestion-ids";

export * from "./suggestion-ids";

/** See suggestionIdAttributes. */
const idAttribute = (kind: SuggestionMarkName) => ({
  id: {
    default: null,
    parseHTML: (element: HTMLElement) => element.getAttribute("data-suggestion-id"),
    renderHTML: (attributes: Record<string, unknown>) => suggestionIdAttributes(kind, attributes.id),
  },
});

/** Words a suggestion adds: shown underlined until someone accepts or rejects them. */
export const InsertionMark = Mark.create({
  name: "insertion",
  inclusive: false,
  excludes: "insertion deletion modification",
  addAttributes: () => idAttribute("insertion"),
  parseHTML: () => [{ tag: "ins[data-suggestion-id]" }],
  renderHTML: ({ HTMLAttributes }) => ["ins", HTMLAttributes, 0],
});

/** Words a suggestion takes out: shown struck through, and still content until accepted. */
export const DeletionMark = Mark.create({
  name: "deletion",
  inclusive: false,
  excludes: "insertion deletion modification",
  addAttributes: () => idAttribute("deletion"),
  parseHTML: () => [{ tag: "del[data-suggestion-id]" }],
  renderHTML: ({ HTMLAttributes }) => ["del", HTMLAttributes, 0],
});

/** A suggested change to a node's attributes (a heading's level, say). */
export const ModificationMark = Mark.create({
  name: "modification",
  inclusive: false,
  excludes: "insertion deletion",
  addAttributes: () => ({
    ...idAttribute("modification"),
    type: { default: null },
    attrName: { default: null },
    previousValue: { default: null },
    newValue: { default: null },
  }),
  parseHTML: () => [{ tag: "span[data-suggestion-id][data-modification]" }],
  renderHTML: ({ HTMLAttributes }) => ["span", { ...HTMLAttributes, "data-modification": "" }, 0],
});

export const suggestionMarks = [InsertionMark, DeletionMark, ModificationMark];
