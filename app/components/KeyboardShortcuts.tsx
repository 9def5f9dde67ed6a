import { useEffect, useId, useRef, useState } from "react";
import { keyLabel, SUGGESTING_KEYS, WRITING_TOOLS } from "./writing-tools";

const GROUPS: { title: string; keys: [string, string][] }[] = [
  {
    title: "Tables",
    keys: [
      ["Tab / Shift+Tab", "Next / previous cell"],
      ["Enter or ↓ / ↑", "Same column, next / previous row"],
      ["Esc", "Cancel an amount being typed"],
      ["Mod+V", "Paste cells copied from a spreadsheet"],
      ["Mod+Z / Mod+Shift+Z", "Undo / redo your own changes to the table"],
    ],
  },
  {
    title: "Narratives",
    keys: [
      ...WRITING_TOOLS.map((tool) => [tool.keys, tool.label] as [string, string]),
      [SUGGESTING_KEYS, "Suggesting on / off: your changes become suggestions (owners, editors, signatories)"],
    ],
  },
  {
    title: "Reading and commenting",
    keys: [
      ["← → ↑ ↓, Home, End", "Move the caret in text you cannot edit"],
      ["Shift + arrows", "Select words"],
      ["Mod+Alt+M", "Comment on the selected words"],
      ["/ or Mod+Shift+F", "Find in this plan; Enter / Shift+Enter for the next / previous match"],
      ["Alt+Shift+S", "Go to the list of sections (Enter on one moves into it)"],
      ["Alt+Shift+C", "Go to the comments and who is here"],
      ["?", "Show these shortcuts"],
    ],
  },
];

/** Whether a key press is typing into something, where "?" is just a character. */
function isTyping(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))
  );
}

/** The plan page's keyboard shortcuts, in a dialog opened by its button or by "?". */
export function KeyboardShortcuts() {
  const [open, setOpen] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const element = dialog.current;
    if (open && element && !element.open) element.showModal();
    if (!open && element?.open) element.close();
  }, [open]);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "?" && !isTyping(event.target)) {
        event.preventDefault();
        setOpen(true);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  return (
    <>
      <button type="button" className="button link" aria-keyshortcuts="?" onClick={() => setOpen(true)}>
        Keyboard shortcuts
      </button>
      <dialog
        ref={dialog}
        className="confirm-dialog shortcuts"
        aria-labelledby={titleId}
        onClose={() => setOpen(false)}
      >
        <h2 id={titleId}>Keyboard shortcuts</h2>
        {GROUPS.map((group) => (
          <section key={group.title}>
            <h3>{group.title}</h3>
            <dl>
              {group.keys.map(([keys, what]) => (
                <div key={what}>
                  <dt>
                    <kbd>{keyLabel(keys)}</kbd>
                  </dt>
                  <dd>{what}</dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
        <div className="confirm-dialog__actions">
          <button type="button" className="button primary" onClick={() => setOpen(false)}>
            Close
          </button>
        </div>
      </dialog>
    </>
  );
}
