import { useEffect, useMemo } from "react";

/** Something that undoes and redoes one person's own changes to one part of the plan. */
export interface UndoTarget {
  undo(): void;
  redo(): void;
}

type HistoryCommand = "undo" | "redo";

/**
 * The plan page's undo targets, by section: each section's narrative editor and its table.
 * Registered by the components that own them, looked up by where the focus is.
 */
export class UndoScopes {
  private readonly targets = new Map<string, UndoTarget>();

  register(scope: string, target: UndoTarget): () => void {
    this.targets.set(scope, target);
    return () => {
      if (this.targets.get(scope) === target) this.targets.delete(scope);
    };
  }

  /** The target for the element that has focus: the closest `[data-undo-scope]` around it. */
  targetFor(element: Element | null): UndoTarget | undefined {
    const scope = element?.closest<HTMLElement>("[data-undo-scope]")?.dataset.undoScope;
    return scope === undefined ? undefined : this.targets.get(scope);
  }
}

export const narrativeUndoScope = (sectionKey: string) => `narrative:${sectionKey}`;
export const tableUndoScope = (sectionKey: string) => `table:${sectionKey}`;

/**
 * Undo and redo on the plan page only ever take back the person's own changes, in the part of
 * the plan that has focus. The browser's own undo is never let through: Chromium keeps one
 * undo history for the whole page, so Ctrl+Z pressed anywhere (on a button, a title, an empty
 * editor) would replay it into a narrative's DOM, where ProseMirror reads the change as typing
 * and the section's words are deleted for everyone.
 */
export function usePersonalUndo(): UndoScopes {
  const scopes = useMemo(() => new UndoScopes(), []);
  useEffect(() => {
    const run = (command: HistoryCommand, event: Event) => {
      event.preventDefault();
      event.stopPropagation();
      const target = scopes.targetFor(event.target instanceof Element ? event.target : document.activeElement);
      if (command === "undo") target?.undo();
      else target?.redo();
    };
    const onKeyDown = (event: KeyboardEvent) => {
      const command = historyKey(event);
      if (command) run(command, event);
    };
    const onBeforeInput = (event: InputEvent) => {
      if (event.inputType === "historyUndo") run("undo", event);
      else if (event.inputType === "historyRedo") run("redo", event);
    };
    // Capture phase on the window: before ProseMirror or an input sees the event.
    window.addEventListener("keydown", onKeyDown, true);
    window.addEventListener("beforeinput", onBeforeInput, true);
    return () => {
      window.removeEventListener("keydown", onKeyDown, true);
      window.removeEventListener("beforeinput", onBeforeInput, true);
    };
  }, [scopes]);
  return scopes;
}

/** Ctrl+Z / Cmd+Z undo; Ctrl+Shift+Z, Cmd+Shift+Z and Ctrl+Y redo. */
export function historyKey(
  event: Pick<KeyboardEvent, "key" | "ctrlKey" | "metaKey" | "shiftKey" | "altKey">,
): HistoryCommand | null {
  if (!(event.ctrlKey || event.metaKey) || event.altKey) return null;
  const key = event.key.toLowerCase();
  if (key === "z") return event.shiftKey ? "redo" : "undo";
  if (key === "y" && !event.shiftKey) return "redo";
  return null;
}
