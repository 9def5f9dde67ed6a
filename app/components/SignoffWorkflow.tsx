import { useState } from "react";
import { formatDayMonth } from "~/shared/dates";
import type { SignoffRequestView, SignoffReturnView } from "~/shared/plan-events";
import { ukToday } from "~/shared/portfolio";
import { apiRequest } from "./api-client";
import { ConfirmDialog } from "./ConfirmDialog";

/** "Returned by Margaret Hale, 3 Dec: the figures do not match the MTFS", until the section changes. */
export function ReturnedNotice({ returned }: { returned: SignoffReturnView }) {
  return (
    <p className="signoff__returned" role="status" data-testid="signoff-returned">
      <strong>
        Returned by {returned.by.name}, <time dateTime={returned.at}>{formatDayMonth(returned.at)}</time>:
      </strong>{" "}
      {returned.reason}
      <span className="signoff__returned-note"> It stands until someone changes the section.</span>
    </p>
  );
}

/** "Requested by Tom Okafor on 1 Dec, due 8 Dec", with the request's message; overdue once the date has passed. */
export function RequestNotice({ request }: { request: SignoffRequestView }) {
  const overdue = request.due !== null && request.due < ukToday();
  return (
    <div className="signoff__request" data-testid="signoff-request">
      <p>
        Requested by {request.by.name} on <time dateTime={request.at}>{formatDayMonth(request.at)}</time>
        {request.due ? (
          <>
            , due <time dateTime={request.due}>{formatDayMonth(request.due)}</time>
          </>
        ) : null}
        {overdue ? <span className="signoff__overdue">overdue</span> : null}
      </p>
      {request.message ? <blockquote className="signoff__message">{request.message}</blockquote> : null}
    </div>
  );
}

/** A signatory of a side the section needs sends it back, saying why. */
export function ReturnButton({ url, sectionTitle }: { url: string; sectionTitle: string }) {
  const [open, setOpen] = useState(false);
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
    setOpen(false);
    setReason("");
    setError(null);
  }

  return (
    <>
      <button type="button" className="button link" onClick={() => setOpen(true)}>
        Return with a reason
      </button>
      <ConfirmDialog
        open={open}
        title={`Return “${sectionTitle}”`}
        confirmLabel="Return the section"
        confirmDisabled={busy}
        onConfirm={() => void send()}
        onCancel={() => {
          setOpen(false);
          setError(null);
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
            onChange={(event) => setReason(event.target.value)}
          />
        </label>
        <p className="muted">The plan&rsquo;s owners and editors are told, with your reason.</p>
        {error ? (
          <p className="alert error" role="alert">
            {error}
          </p>
        ) : null}
      </ConfirmDialog>
    </>
  );
}
