import { useEffect, useRef, useState, type FormEvent } from "react";

/**
 * The optional reason a rejection carries (it reaches the author's notification), and the
 * button that rejects: under a suggestion in the side list, or a proposal in its cell.
 */
export function RejectReasonForm({
  id,
  className,
  submitLabel,
  onReject,
}: {
  /** The reason's field id: unique in the page. */
  id: string;
  className: string;
  submitLabel: string;
  /** Called with the reason, trimmed (undefined when none was given), and the submit event. */
  onReject: (reason: string | undefined, event: FormEvent<HTMLFormElement>) => void;
}) {
  const [reason, setReason] = useState("");
  const box = useRef<HTMLTextAreaElement>(null);
  // It opens from its Reject button: a keyboard user goes on by typing the reason, into it.
  useEffect(() => box.current?.focus(), []);
  return (
    <form
      className={className}
      onSubmit={(event) => {
        event.preventDefault();
        onReject(reason.trim() || undefined, event);
      }}
    >
      <label htmlFor={id}>Reason (optional)</label>
      <textarea
        ref={box}
        id={id}
        rows={2}
        maxLength={2000}
        value={reason}
        onChange={(event) => setReason(event.target.value)}
      />
      <button type="submit" className="button small">
        {submitLabel}
      </button>
    </form>
  );
}
