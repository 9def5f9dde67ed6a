import type { Editor } from "@tiptap/react";
import { useEffect, useId, useRef, useState } from "react";

/** An address as people type it: "gov.uk/x" means https; mail and web addresses only. */
export function linkAddress(typed: string): string | null {
  const text = typed.trim();
  if (text === "" || /\s/.test(text)) return null;
  if (/^mailto:[^\s@]+@[^\s@]+$/i.test(text)) return text;
  if (/^[^\s@:/]+@[^\s@]+\.[^\s@]+$/.test(text)) return `mailto:${text}`;
  const withScheme = /^[a-z][a-z\d+.-]*:/i.test(text) ? text : `https://${text}`;
  try {
    const url = new URL(withScheme);
    // Browsers differ on what a host may hold: a web address names a real-looking one.
    const host = /^(localhost|[a-z\d-]+(\.[a-z\d-]+)+)$/i.test(url.hostname);
    return host && (url.protocol === "https:" || url.protocol === "http:") ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * Edits the link at the selection in the page: its words, its address, or removes it. The
 * range is taken when it opens (the whole link when the caret is inside one), so typing in the
 * form never moves the editor's selection.
 */
export function LinkEditor({ editor, onClose }: { editor: Editor; onClose: () => void }) {
  const [range] = useState(() => {
    if (editor.isActive("link")) editor.chain().extendMarkRange("link").run();
    const { from, to } = editor.state.selection;
    return { from, to, text: editor.state.doc.textBetween(from, to, " "), linked: editor.isActive("link") };
  });
  const [text, setText] = useState(range.text);
  const [href, setHref] = useState((editor.getAttributes("link").href as string | undefined) ?? "");
  const [error, setError] = useState<string | null>(null);
  const address = useRef<HTMLInputElement>(null);
  const titleId = useId();
  useEffect(() => address.current?.focus(), []);

  const close = () => {
    onClose();
    editor.chain().focus().setTextSelection(range).run();
  };
  const apply = () => {
    const url = linkAddress(href);
    if (!url) return setError("Give a web address (https://…) or an email address.");
    const words = text.trim() === "" ? range.text || url.replace(/^mailto:/, "") : text;
    const chain = editor.chain().focus();
    if (words === range.text && range.from !== range.to) {
      chain.setTextSelection(range).setLink({ href: url }).run();
    } else {
      chain
        .insertContentAt(range, { type: "text", text: words, marks: [{ type: "link", attrs: { href: url } }] })
        .run();
    }
    onClose();
  };
  const remove = () => {
    editor.chain().focus().setTextSelection(range).unsetLink().run();
    onClose();
  };

  return (
    <form
      className="link-editor"
      role="dialog"
      aria-labelledby={titleId}
      onSubmit={(event) => {
        event.preventDefault();
        apply();
      }}
      onKeyDown={(event) => {
        if (event.key === "Escape") {
          event.preventDefault();
          close();
        }
      }}
    >
      <h3 id={titleId} className="link-editor__title">
        {range.linked ? "Edit link" : "Add a link"}
      </h3>
      <label>
        Text
        <input value={text} onChange={(event) => setText(event.target.value)} />
      </label>
      <label>
        Address
        <input
          ref={address}
          value={href}
          inputMode="url"
          placeholder="https://www.gov.uk/…"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${titleId}-error` : undefined}
          onChange={(event) => {
            setHref(event.target.value);
            setError(null);
          }}
        />
      </label>
      {error ? (
        <p className="cell-error" id={`${titleId}-error`} role="alert">
          {error}
        </p>
      ) : null}
      <div className="link-editor__actions">
        <button type="submit" className="button primary small">
          Apply
        </button>
        {range.linked ? (
          <button type="button" className="button small" onClick={remove}>
            Remove link
          </button>
        ) : null}
        <button type="button" className="button small" onClick={close}>
          Cancel
        </button>
      </div>
    </form>
  );
}
