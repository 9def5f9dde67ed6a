import { useState } from "react";
import { apiRequest } from "./api-client";
import { ConfirmDialog } from "./ConfirmDialog";

/**
 * The questions of the sign-off workflow: what to say when asking for sign-off, and why a
 * section is returned. Loaded when someone first asks or returns, not with the plan page.
 */

/** Returns the section at `url` with the reason typed; closes once the server took it. */
export function ReturnForm({
  open,
  url,
  sectionTitle,
  onClose,
}: {
  open: boolean;
  url: string;
  sectionTitle: string;
  onClose: () => void;
}) {
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function send() {
    if (reason.trim() === "") {
      setError("Say why you return the section.");
      return;
    }
    setBusy(true);
    const result = await apiRequest("POST", url, { reason });
    setBusy(false);
    if (!result.ok) {
      setError(result.error);
      return;
    }
    setReason("");
    setError(null);
    onClose();
  }

  return (
    <ConfirmDialog
      open={open}
      title={`Return “${sectionTitle}”`}
      confirmLabel="Return the section"
      confirmDisabled={busy}
      onConfirm={() => void send()}
      onCancel={() => {
        setError(null);
        onClose();
      }}
    >
      <label>
        Why are you returning it?
        <textarea
          className="signoff__reason"
          rows={4}
          maxLength={2000}
          value={reason}
          aria-invalid={error ? true : undefined}
          onChange={(event) => {
            setReason(event.target.value);
            setError(null);
          }}
        />
      </label>
      <p className="muted">The plan&rsquo;s owners and editors are told, with your reason.</p>
      {error ? (
        <p className="alert error" role="alert">
          {error}
        </p>
      ) : null}
    </ConfirmDialog>
  );
}

/** What "Request sign-off" may say: a message and a due date, both optional. */
export function RequestForm({
  open,
  sectionTitle,
  due,
  busy,
  onSend,
  onCancel,
}: {
  open: boolean;
  sectionTitle: string;
  /** The open request's due date, offered again. */
  due: string | null;
  busy: boolean;
  onSend: (ask: { message?: string; dueDate?: string }) => void;
  onCancel: () => void;
}) {
  const [message, setMessage] = useState("");
  const [dueDate, setDueDate] = useState(due ?? "");

  return (
    <ConfirmDialog
      open={open}
      title={`Ask for sign-off of “${sectionTitle}”`}
      confirmLabel="Send the request"
      confirmDisabled={busy}
      onConfirm={() => {
        onSend({ ...(message.trim() ? { message } : {}), ...(dueDate ? { dueDate } : {}) });
        setMessage("");
      }}
      onCancel={onCancel}
    >
      <div className="stack">
        <label>
          Message (optional)
          <textarea
            className="request-signoff__message"
            rows={3}
            maxLength={2000}
            value={message}
            placeholder="What should they look at?"
            onChange={(event) => setMessage(event.target.value)}
          />
        </label>
        <label>
          Due date (optional)
          <input type="date" value={dueDate} onChange={(event) => setDueDate(event.target.value)} />
        </label>
        <p className="muted">The signatories of the sides still to sign are told, by email too.</p>
      </div>
    </ConfirmDialog>
  );
}
