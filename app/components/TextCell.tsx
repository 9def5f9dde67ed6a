import { useEffect, useRef, type ChangeEvent, type KeyboardEvent } from "react";
import * as Y from "yjs";
import { editText } from "~/shared/section-rows";
import { mapThroughDelta } from "~/shared/text-delta";

/**
 * A free-text table cell bound to its row's `Y.Text`: each keystroke becomes the smallest
 * insertion or deletion at the caret, and someone else's typing arrives in place, with this
 * person's caret and selection moved along with the text around them. The input is
 * uncontrolled: React re-rendering the row must never put back a stale value.
 *
 * A cell is a one-line text area that grows to show all its words, wrapping rather than
 * cutting them off; a cell with suggestions stays an input (a text area cannot offer a
 * datalist) and widens to its whole text while focused.
 */
export function TextCell({
  source,
  write,
  replace,
  wide,
  list,
  ...inputProps
}: {
  /** The cell's shared text; a string in a plan not yet converted, or undefined if never set. */
  source: unknown;
  /** Runs a change to the document as this person's table edit (so Ctrl+Z can take it back). */
  write: (change: () => void) => void;
  /** Makes the field a `Y.Text` holding `value`, for a cell that was a string. */
  replace: (value: string) => void;
  wide: boolean;
  list: string | undefined;
  "aria-label": string;
  "data-cell": string;
  readOnly: boolean;
  onKeyDown: (event: KeyboardEvent<HTMLElement>) => void;
}) {
  const input = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const text = source instanceof Y.Text ? source : null;
  const plain = text ? null : typeof source === "string" ? source : "";

  useEffect(() => {
    const element = input.current;
    if (!element) return;
    if (!text) {
      if (plain !== null && element.value !== plain) element.value = plain;
      return;
    }
    element.value = text.toString();
    const onChange = (event: Y.YTextEvent) => {
      const value = text.toString();
      if (element.value === value) return;
      const focused = document.activeElement === element;
      const start = element.selectionStart ?? 0;
      const end = element.selectionEnd ?? 0;
      const direction = element.selectionDirection ?? "none";
      element.value = value;
      if (focused) {
        element.setSelectionRange(mapThroughDelta(event.delta, start), mapThroughDelta(event.delta, end), direction);
      }
    };
    text.observe(onChange);
    return () => text.unobserve(onChange);
  }, [text, plain]);

  const onChange = (event: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => {
    const { value, selectionEnd } = event.currentTarget;
    if (text) write(() => editText(text, value, selectionEnd ?? undefined));
    else replace(value);
  };
  const common = {
    ...inputProps,
    ref: input,
    defaultValue: text ? text.toString() : (plain ?? ""),
    maxLength: 2000,
    onChange,
  };
  if (list) return <input {...common} type="text" list={list} />;
  return (
    <textarea
      {...common}
      rows={1}
      className={wide ? "wide" : undefined}
      onKeyDown={(event) => {
        // A cell holds one line: Enter moves down the column, as in a spreadsheet.
        if (event.key === "Enter") event.preventDefault();
        inputProps.onKeyDown(event);
      }}
    />
  );
}
