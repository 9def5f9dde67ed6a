import { forwardRef, useCallback, useId, useRef, useState, type TextareaHTMLAttributes } from "react";
import { apiRequest } from "./api-client";

interface Member {
  userId: string;
  name: string;
  organisation: string;
}

/** The `@words` just before the caret, if the caret is in a mention being typed. */
function mentionAt(value: string, caret: number): { start: number; query: string } | null {
  const match = /(^|\s)@([^@\n]{0,40})$/.exec(value.slice(0, caret));
  if (!match) return null;
  return { start: caret - match[2]!.length - 1, query: match[2]!.toLowerCase() };
}

/** A member whose name the words typed begin (a name typed in full offers nothing more). */
function matches(member: Member, query: string): boolean {
  const name = member.name.toLowerCase();
  if (name === query.trimEnd()) return false;
  return name.startsWith(query) || name.split(/\s+/).some((word) => word.startsWith(query));
}

/** React keeps a controlled textarea's value, so a change made here goes through its input event. */
function setValueAsTyped(textarea: HTMLTextAreaElement, value: string, caret: number): void {
  Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value")!.set!.call(textarea, value);
  textarea.dispatchEvent(new Event("input", { bubbles: true }));
  textarea.setSelectionRange(caret, caret);
}

/**
 * A comment box that offers the plan's members as you type `@`: arrows choose, Enter or Tab
 * (or a click) puts in `@Full Name`, which the server records as that member's id.
 */
export const MentionTextarea = forwardRef<
  HTMLTextAreaElement,
  TextareaHTMLAttributes<HTMLTextAreaElement> & { planId: string }
>(function MentionTextarea({ planId, onKeyDown, onChange, ...props }, forwarded) {
  const own = useRef<HTMLTextAreaElement | null>(null);
  const members = useRef<Promise<Member[]> | null>(null);
  const [options, setOptions] = useState<Member[]>([]);
  const [active, setActive] = useState(0);
  const listId = useId();

  const setRef = useCallback(
    (node: HTMLTextAreaElement | null) => {
      own.current = node;
      if (typeof forwarded === "function") forwarded(node);
      else if (forwarded) forwarded.current = node;
    },
    [forwarded],
  );

  async function suggest(textarea: HTMLTextAreaElement) {
    if (!mentionAt(textarea.value, textarea.selectionStart)) return setOptions([]);
    members.current ??= apiRequest<Member[]>("GET", `/api/plans/${planId}/members`).then((result) =>
      result.ok ? result.body : [],
    );
    const all = await members.current;
    // Read the box again: the person may have typed on while the members were loading.
    const at = mentionAt(textarea.value, textarea.selectionStart);
    if (!at) return setOptions([]);
    setOptions(all.filter((member) => matches(member, at.query)).slice(0, 6));
    setActive(0);
  }

  function choose(member: Member) {
    const textarea = own.current;
    const at = textarea && mentionAt(textarea.value, textarea.selectionStart);
    if (!textarea || !at) return;
    const before = textarea.value.slice(0, at.start);
    const after = textarea.value.slice(textarea.selectionStart);
    const inserted = `@${member.name} `;
    setValueAsTyped(textarea, before + inserted + after, before.length + inserted.length);
    setOptions([]);
    textarea.focus();
  }

  const open = options.length > 0;
  return (
    <span className="mention-box">
      <textarea
        {...props}
        ref={setRef}
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={open ? listId : undefined}
        aria-activedescendant={open ? `${listId}-${active}` : undefined}
        onChange={(event) => {
          onChange?.(event);
          void suggest(event.currentTarget);
        }}
        onBlur={() => setOptions([])}
        onKeyDown={(event) => {
          if (open) {
            if (event.key === "ArrowDown" || event.key === "ArrowUp") {
              event.preventDefault();
              const step = event.key === "ArrowDown" ? 1 : -1;
              setActive((index) => (index + step + options.length) % options.length);
              return;
            }
            if (event.key === "Enter" || event.key === "Tab") {
              event.preventDefault();
              choose(options[active]!);
              return;
            }
            if (event.key === "Escape") {
              event.preventDefault();
              setOptions([]);
              return;
            }
          }
          onKeyDown?.(event);
        }}
      />
      {open ? (
        <ul className="mention-box__list" role="listbox" id={listId} aria-label="Members to mention">
          {options.map((member, index) => (
            <li
              key={member.userId}
              id={`${listId}-${index}`}
              role="option"
              aria-selected={index === active}
              className={index === active ? "is-active" : undefined}
              onMouseDown={(event) => {
                event.preventDefault();
                choose(member);
              }}
            >
              {member.name} <span className="muted">· {member.organisation}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </span>
  );
});
