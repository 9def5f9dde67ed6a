import { TableKit } from "@tiptap/extension-table";
import StarterKit from "@tiptap/starter-kit";
import { suggestionMarks } from "./suggestion-marks";

/**
 * The rich-text schema of every section, shared by the browser editors and the server (which
 * reads sections with it), so both always agree on what a document may contain.
 * Undo/redo is off: with collaboration, Yjs keeps each person's own undo history.
 * Tables (rows of header and body cells holding paragraphs) can be written or pasted from Word.
 * Suggestions are marks in this schema (decision 0034), so every reader sees them the same way.
 */
export const richTextExtensions = [
  StarterKit.configure({
    undoRedo: false,
    link: { openOnClick: false, autolink: true, protocols: ["http", "https", "mailto"] },
  }),
  TableKit.configure({ table: { resizable: false } }),
  ...suggestionMarks,
];
