import { useState } from "react";
import type { Role } from "~/shared/permissions";
import type { SectionSignoffView } from "~/shared/plan-events";
import { apiRequest } from "./api-client";
import { ConfirmDialog } from "./ConfirmDialog";

/**
 * "Request sign-off": owners and editors ask the signatories of the sides still to sign, with a
 * message and a due date if they like.
 */
export function RequestSignoffButton({
  planId,
  sectionKey,
  sectionTitle,
  signoff,
  role,
}: {
  planId: string;
  sectionKey: string;
  sectionTitle: string;
  signoff: SectionSignoffView;
  role: Role;
}) {
  const [status, setStatus] = useState<{ kind: "notice" | "error"; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [asking, setAsking] = useState(false);
  const [message, setMessage] = useState("");
  const [dueDate, setDueDate] = useState(signoff.due ?? "");
  const signed = new Set(signoff.records.filter((record) => record.fresh).map((record) => record.side));
  if ((role !== "owner" && role !== "editor") || signoff.requiredSides.every((side) => signed.has(side))) return null;

  async function ask() {
    setBusy(true);
    const result = await apiRequest<{ notified: number }>(
      "POST",
      `/api/plans/${planId}/sections/${sectionKey}/signoff-requests`,
      { ...(message.trim() ? { message } : {}), ...(dueDate ? { dueDate } : {}) },
    );
    setBusy(false);
    setAsking(false);
    if (!result.ok) setStatus({ kind: "error", text: result.error });
    else if (result.body.notified === 0) {
      setStatus({ kind: "error", text: "Nobody on this plan signs off for the sides still to sign." });
    } else {
      const people = result.body.notified === 1 ? "1 signatory" : `${result.body.notified} signatories`;
      setStatus({ kind: "notice", text: `Asked ${people}.` });
      setMessage("");
    }
  }

  return (
    <span className="request-signoff">
      <button
        type="button"
        className="button small"
        disabled={busy}
        onClick={() => {
          setDueDate(signoff.due ?? "");
          setAsking(true);
        }}
      >
        Request sign-off
      </button>
      <ConfirmDialog
        open={asking}
        title={`Ask for sign-off of “${sectionTitle}”`}
        confirmLabel="Send the request"
        confirmDisabled={busy}
        onConfirm={() => void ask()}
        onCancel={() => setAsking(false)}
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
      {status ? (
        <span className={status.kind === "error" ? "request-signoff__error" : "muted"} role="status">
          {status.text}
        </span>
      ) : null}
    </span>
  );
}
