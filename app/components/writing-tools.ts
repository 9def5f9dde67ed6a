import type { Editor } from "@tiptap/react";
import { requestLinkEditor } from "./link-editing";

/*
 * The writing toolbar's buttons, apart from the toolbar: the reading copy draws them, inert, where
 * the editor's toolbar will be, and must not bring TipTap's code with it (decision 0044).
 */

/** Turns suggesting on and off for those who may also edit: Google Docs' own shortcut for it. */
export const SUGGESTING_KEYS = "Mod+Alt+Shift+X";

/** How a shortcut is written for people on a Mac and everyone else. */
export const isMac = () => typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform);
export const keyLabel = (keys: string) => keys.replace(/Mod/g, isMac() ? "⌘" : "Ctrl");

interface Tool {
  label: string;
  icon: string;
  /** As ProseMirror spells it ("Mod" is Ctrl, or ⌘ on a Mac); shown and announced. */
  keys: string;
  active?: (editor: Editor) => boolean;
  run: (editor: Editor) => void;
}

export const WRITING_TOOLS: Tool[] = [
  {
    label: "Heading",
    icon: "H2",
    keys: "Mod+Alt+2",
    active: (e) => e.isActive("heading", { level: 2 }),
    run: (e) => e.chain().focus().toggleHeading({ level: 2 }).run(),
  },
  {
    label: "Subheading",
    icon: "H3",
    keys: "Mod+Alt+3",
    active: (e) => e.isActive("heading", { level: 3 }),
    run: (e) => e.chain().focus().toggleHeading({ level: 3 }).run(),
  },
  {
    label: "Bold",
    icon: "B",
    keys: "Mod+B",
    active: (e) => e.isActive("bold"),
    run: (e) => e.chain().focus().toggleBold().run(),
  },
  {
    label: "Italic",
    icon: "I",
    keys: "Mod+I",
    active: (e) => e.isActive("italic"),
    run: (e) => e.chain().focus().toggleItalic().run(),
  },
  {
    label: "Bulleted list",
    icon: "•",
    keys: "Mod+Shift+8",
    active: (e) => e.isActive("bulletList"),
    run: (e) => e.chain().focus().toggleBulletList().run(),
  },
  {
    label: "Numbered list",
    icon: "1.",
    keys: "Mod+Shift+7",
    active: (e) => e.isActive("orderedList"),
    run: (e) => e.chain().focus().toggleOrderedList().run(),
  },
  {
    label: "Link",
    icon: "Link",
    keys: "Mod+K",
    active: (e) => e.isActive("link"),
    run: (e) => requestLinkEditor(e),
  },
  {
    label: "Table",
    icon: "▦",
    keys: "Mod+Alt+T",
    active: (e) => e.isActive("table"),
    run: (e) => e.chain().focus().insertTable({ rows: 3, cols: 3, withHeaderRow: true }).run(),
  },
  { label: "Undo", icon: "↶", keys: "Mod+Z", run: (e) => e.chain().focus().undo().run() },
  { label: "Redo", icon: "↷", keys: "Mod+Shift+Z", run: (e) => e.chain().focus().redo().run() },
];
